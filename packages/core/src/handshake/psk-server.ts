import type { PavillionCrypto, PresharedKey } from '@pavillion/crypto'
import {
  CipherSuiteId,
  encodeSetup,
  type NonceRequest,
  type PskClientInfo,
  pskClientInfoHashedBytes,
} from '@pavillion/wire'
import { type Refusal, refuse, type SessionKeys } from './outcome.ts'

/**
 * PSK handshake, server role (PROTOCOL.md §6.1). `answer` turns a nonce
 * request into the PSK nonce (our server nonce with a keyed hash over it
 * and the client's challenge); `accept` checks the client info against the
 * server nonce the address got and derives the session keys.
 */
export class PskServerHandshake {
  readonly #crypto: PavillionCrypto

  constructor(crypto: PavillionCrypto) {
    this.#crypto = crypto
  }

  /** The PSK nonce datagram answering `request` with `serverNonce`. */
  answer(psk: PresharedKey, serverNonce: Uint8Array, request: NonceRequest): Uint8Array {
    const hash = this.#crypto.pskNonceHash(psk, serverNonce, request.challenge)
    return encodeSetup({ type: 'psk-nonce', serverNonce, challenge: request.challenge, hash })
  }

  /** The session keys of a client info that names `serverNonce` and carries a valid hash, or a refusal. */
  accept(psk: PresharedKey, serverNonce: Uint8Array, info: PskClientInfo): SessionKeys | Refusal {
    const crypto = this.#crypto
    if (!crypto.equal(info.serverNonce, serverNonce)) return refuse('stale')
    if (!crypto.equal(info.hash, crypto.pskClientInfoHash(psk, pskClientInfoHashedBytes(info))))
      return refuse('forged')
    const ckey = crypto.pskClientKey(psk, info.clientNonce)
    const clientId = Uint8Array.from(info.clientId)
    return {
      suite: CipherSuiteId.Psk,
      clientId,
      identity: clientId, // one array for both: a server keeps thousands
      guest: false,
      ckey,
      skey: crypto.pskServerKey(psk, info.clientNonce, info.serverNonce),
      sessionId: crypto.pskSessionId(psk, ckey),
      floor: info.counter,
    }
  }
}
