import type { PavillionCrypto } from '@pavillion/crypto'

/** Server nonces remembered per challenge; past this the challenge rotates. */
const MAX_USED_SERVER_NONCES = 1024

/**
 * The client's current handshake challenge (PROTOCOL.md §9.6) and the server
 * nonces already answered under it: a second answer carrying one of them is
 * a replay. Rotating makes every answer to the old challenge void.
 */
export class Challenge {
  readonly #crypto: PavillionCrypto
  readonly #lifetime: number
  readonly #used = new Set<string>()
  #value: Uint8Array
  #setAt = Number.NEGATIVE_INFINITY

  /** `fixed`: a challenge for interop-vector replays (counted as set at time 0). */
  constructor(crypto: PavillionCrypto, lifetime: number, fixed: Uint8Array | undefined) {
    this.#crypto = crypto
    this.#lifetime = lifetime
    this.#value = fixed ?? crypto.random(16)
    if (fixed !== undefined) this.#setAt = 0
  }

  /** The challenge nonce requests carry now. */
  get value(): Uint8Array {
    return this.#value
  }

  /** PROTOCOL.md D4: rotates when too old, before answers are checked, so answers to old challenges are refused. */
  refresh(now: number): Uint8Array {
    if (now - this.#setAt >= this.#lifetime) this.#rotate(now)
    return this.#value
  }

  /** True when `serverNonce` (hex) was already answered under this challenge. */
  used(nonceHex: string): boolean {
    return this.#used.has(nonceHex)
  }

  /** Records an answered server nonce; past the cap the challenge rotates (bounded memory). */
  markUsed(now: number, nonceHex: string): void {
    this.#used.add(nonceHex)
    if (this.#used.size > MAX_USED_SERVER_NONCES) this.#rotate(now)
  }

  #rotate(now: number): void {
    this.#value = this.#crypto.random(16)
    this.#setAt = now
    this.#used.clear()
  }
}
