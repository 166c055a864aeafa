import type { PavillionCrypto, PresharedKey, SymmetricKey } from '@pavillion/crypto'
import { CipherSuiteId, encodeSetup, pskClientInfoHashedBytes, type SetupMessage } from '@pavillion/wire'
import type { PskCredentials } from '../client/credentials.ts'
import type { ClientHandshake, VerifiedNonce } from './client-handshake.ts'
import { type ClientReply, type Refusal, refuse } from './outcome.ts'

/** The public key field of a PSK nonce request: zeros (PROTOCOL.md D1: never a secret key). */
const ZERO_KEY = new Uint8Array(32)

/**
 * PSK handshake, client role (PROTOCOL.md §6.1): nonce request → PSK nonce
 * (keyed hash of server nonce and our challenge) → client info (keyed hash),
 * server key H(psk, client nonce, server nonce).
 */
export class PskClientHandshake implements ClientHandshake {
  readonly suite = CipherSuiteId.Psk
  readonly clientId: Uint8Array
  readonly ckey: SymmetricKey
  readonly sessionId: Uint8Array
  readonly serverPublicKey = undefined
  readonly #crypto: PavillionCrypto
  readonly #psk: PresharedKey
  readonly #clientNonce: Uint8Array

  constructor(crypto: PavillionCrypto, credentials: PskCredentials, clientNonce: Uint8Array) {
    this.#crypto = crypto
    this.#psk = credentials.psk
    this.#clientNonce = clientNonce
    this.clientId = credentials.clientId
    this.ckey = crypto.pskClientKey(credentials.psk, clientNonce)
    this.sessionId = crypto.pskSessionId(credentials.psk, this.ckey)
  }

  nonceRequest(challenge: Uint8Array, sessionField: Uint8Array): Uint8Array {
    return encodeSetup({
      type: 'nonce-request',
      suite: CipherSuiteId.Psk,
      clientId: this.clientId,
      challenge,
      sessionId: sessionField,
      publicKey: ZERO_KEY,
    })
  }

  verify(message: SetupMessage, challenge: Uint8Array): VerifiedNonce | Refusal {
    if (message.type !== 'psk-nonce') return refuse('unexpected')
    if (!this.#crypto.equal(message.challenge, challenge)) return refuse('stale')
    const expected = this.#crypto.pskNonceHash(this.#psk, message.serverNonce, message.challenge)
    if (!this.#crypto.equal(message.hash, expected)) return refuse('forged')
    return { serverNonce: message.serverNonce }
  }

  reply(nonce: VerifiedNonce, counter: bigint): ClientReply {
    const body = {
      suite: CipherSuiteId.Psk,
      clientId: this.clientId,
      clientNonce: this.#clientNonce,
      serverNonce: nonce.serverNonce,
      counter,
    }
    const hash = this.#crypto.pskClientInfoHash(this.#psk, pskClientInfoHashedBytes(body))
    return {
      reply: encodeSetup({ type: 'psk-client-info', ...body, hash }),
      skey: this.#crypto.pskServerKey(this.#psk, this.#clientNonce, nonce.serverNonce),
      // Like the reference: the counter sent is the current one, then it moves on.
      spendsCounter: true,
    }
  }
}
