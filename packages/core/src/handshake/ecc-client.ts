import type { PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import {
  CipherSuiteId,
  decodeEccNoncePlaintext,
  encodeEccClientInfoPlaintext,
  encodeSetup,
  type SetupMessage,
  WireDecodeError,
} from '@pavillion/wire'
import type { EccCredentials } from '../client/credentials.ts'
import type { ClientHandshake, VerifiedNonce } from './client-handshake.ts'
import { type ClientReply, type Refusal, refuse } from './outcome.ts'

/**
 * ECC handshake, client role (PROTOCOL.md §6.2): nonce request with our
 * public key → ECC nonce (a box from the server's key holding its nonce and
 * our challenge) → client info (a box holding both session keys, the server
 * key drawn here).
 */
export class EccClientHandshake implements ClientHandshake {
  readonly suite = CipherSuiteId.Ecc
  readonly clientId: Uint8Array
  readonly ckey: SymmetricKey
  readonly sessionId: Uint8Array
  readonly serverPublicKey: Uint8Array
  readonly #crypto: PavillionCrypto
  readonly #credentials: EccCredentials

  constructor(crypto: PavillionCrypto, credentials: EccCredentials, ckey: SymmetricKey) {
    this.#crypto = crypto
    this.#credentials = credentials
    this.clientId = credentials.clientId ?? crypto.defaultClientId(credentials.keyPair.publicKey)
    this.serverPublicKey = credentials.serverPublicKey
    this.ckey = ckey
    this.sessionId = crypto.eccSessionId(credentials.keyPair.publicKey, ckey)
  }

  nonceRequest(challenge: Uint8Array, sessionField: Uint8Array): Uint8Array {
    return encodeSetup({
      type: 'nonce-request',
      suite: CipherSuiteId.Ecc,
      clientId: this.clientId,
      challenge,
      sessionId: sessionField,
      // PROTOCOL.md D1: the public key, never the secret key.
      publicKey: this.#credentials.keyPair.publicKey,
    })
  }

  verify(message: SetupMessage, challenge: Uint8Array): VerifiedNonce | Refusal {
    if (message.type !== 'ecc-nonce') return refuse('unexpected')
    const { keyPair, serverPublicKey } = this.#credentials
    const opened = this.#crypto.boxOpen(message.box, message.boxNonce, serverPublicKey, keyPair.secretKey)
    if (opened === undefined) return refuse('forged')
    let plaintext: ReturnType<typeof decodeEccNoncePlaintext>
    try {
      plaintext = decodeEccNoncePlaintext(opened)
    } catch (error) {
      if (error instanceof WireDecodeError) return refuse('malformed')
      throw error
    }
    // PROTOCOL.md D5: the reference accepts any opcode 11; we require our own challenge.
    if (!this.#crypto.equal(plaintext.challenge, challenge)) return refuse('stale')
    return { serverNonce: plaintext.serverNonce }
  }

  reply(nonce: VerifiedNonce, counter: bigint): ClientReply {
    const { keyPair, serverPublicKey } = this.#credentials
    const skey = this.#crypto.randomKey()
    const boxNonce = this.#crypto.random(24)
    const sealed = encodeEccClientInfoPlaintext({
      serverNonce: nonce.serverNonce,
      ckey: this.ckey.expose(),
      skey: skey.expose(),
      counter,
    })
    let box: Uint8Array
    try {
      box = this.#crypto.boxSeal(sealed, boxNonce, serverPublicKey, keyPair.secretKey)
    } finally {
      sealed.fill(0) // it holds both session keys in the clear
    }
    const reply = encodeSetup({
      type: 'ecc-client-info',
      clientId: this.clientId,
      suite: CipherSuiteId.Ecc,
      boxNonce,
      box,
    })
    return { reply, skey, spendsCounter: false }
  }
}
