import { type KeyPair, type PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import {
  CipherSuiteId,
  decodeEccClientInfoPlaintext,
  type EccClientInfo,
  encodeEccNoncePlaintext,
  encodeSetup,
  type NonceRequest,
  WireDecodeError,
} from '@pavillion/wire'
import { type Refusal, refuse, type SessionKeys } from './outcome.ts'

/**
 * ECC handshake, server role (PROTOCOL.md §6.2, guests §6.3). `answer` boxes
 * our server nonce and the client's challenge to the client's public key;
 * `accept` opens the client info with it and takes the two session keys.
 */
export class EccServerHandshake {
  readonly #crypto: PavillionCrypto
  readonly #keyPair: KeyPair

  constructor(crypto: PavillionCrypto, keyPair: KeyPair) {
    this.#crypto = crypto
    this.#keyPair = keyPair
  }

  /** PROTOCOL.md D1: true when a reference client sent its secret key as `request.publicKey`. */
  leaksSecretKey(request: NonceRequest, registered: Uint8Array): boolean {
    return this.#crypto.equal(this.#crypto.publicKeyOf(request.publicKey), registered)
  }

  /**
   * The ECC nonce datagram answering `request` for the client key `publicKey`,
   * or a `malformed` refusal when libsodium refuses that key (a guest's
   * low-order point).
   */
  answer(publicKey: Uint8Array, serverNonce: Uint8Array, request: NonceRequest): Uint8Array | Refusal {
    const boxNonce = this.#crypto.random(24)
    const plaintext = encodeEccNoncePlaintext({ serverNonce, challenge: request.challenge })
    let box: Uint8Array
    try {
      box = this.#crypto.boxSeal(plaintext, boxNonce, publicKey, this.#keyPair.secretKey)
    } catch {
      return refuse('malformed')
    }
    return encodeSetup({ type: 'ecc-nonce', boxNonce, box })
  }

  /**
   * The session keys of a client info boxed by `publicKey` that names
   * `serverNonce`, or a refusal. A guest is reported as the full 32-byte
   * H0(public key), like the reference. The opened plaintext is wiped
   * before this returns: the keys are copies.
   */
  accept(
    publicKey: Uint8Array,
    guest: boolean,
    serverNonce: Uint8Array,
    info: EccClientInfo,
  ): SessionKeys | Refusal {
    const crypto = this.#crypto
    const opened = crypto.boxOpen(info.box, info.boxNonce, publicKey, this.#keyPair.secretKey)
    if (opened === undefined) return refuse('forged')
    try {
      return this.#keysOf(opened, publicKey, guest, serverNonce, info)
    } finally {
      opened.fill(0) // it holds both session keys: wiped once they are copied (or refused)
    }
  }

  #keysOf(
    opened: Uint8Array,
    publicKey: Uint8Array,
    guest: boolean,
    serverNonce: Uint8Array,
    info: EccClientInfo,
  ): SessionKeys | Refusal {
    const crypto = this.#crypto
    let plaintext: ReturnType<typeof decodeEccClientInfoPlaintext>
    try {
      plaintext = decodeEccClientInfoPlaintext(opened)
    } catch (error) {
      if (error instanceof WireDecodeError) return refuse('malformed')
      throw error
    }
    if (!crypto.equal(plaintext.serverNonce, serverNonce)) return refuse('stale')
    const ckey = SymmetricKey.from(plaintext.ckey)
    const clientId = Uint8Array.from(info.clientId)
    return {
      suite: CipherSuiteId.Ecc,
      clientId,
      identity: guest ? crypto.guestId(publicKey) : clientId, // one array for both: a server keeps thousands
      guest,
      ckey,
      skey: SymmetricKey.from(plaintext.skey),
      sessionId: crypto.eccSessionId(publicKey, ckey),
      floor: plaintext.counter,
    }
  }
}
