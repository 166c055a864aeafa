import type { PeerAddress } from '@pavillion/core'
import type { SymmetricKey } from '@pavillion/crypto'

/** The reference's reactive nonce-request window, ms (PROTOCOL.md §9.5). */
const RATE_WINDOW = 10_000

/**
 * One known-server record of the reference client (PROTOCOL.md §9.8), by
 * source address: the skey of the moment (its identity for subscribers and
 * acknowledgements), the replay counter reset with each skey, and the
 * reactive nonce-request budget.
 */
export class ReferenceServerRecord {
  readonly address: PeerAddress
  skey: SymmetricKey | undefined
  skeyHex = ''
  replay = 0n
  lastFreshAt = Number.NEGATIVE_INFINITY
  /** Handshakes that gave it a new skey. */
  keyings = 0
  /** Opcode 7 datagrams it sent. */
  accepts = 0
  #windowStart = Number.NEGATIVE_INFINITY
  #windowCount = 0

  constructor(address: PeerAddress) {
    this.address = address
  }

  /** A new skey (hex of its bytes kept as the identity); the replay counter starts over (§8.3). */
  keyed(skey: SymmetricKey, skeyHex: string): void {
    this.skey = skey
    this.skeyHex = skeyHex
    this.replay = 0n
    this.keyings++
  }

  /** §9.5: true when a reactive nonce request may go: 9 per fixed 10 s window, 6 once it had an skey. */
  spendNonceRequest(now: number): boolean {
    if (now - this.#windowStart >= RATE_WINDOW) {
      this.#windowStart = now
      this.#windowCount = 0
    }
    if (this.#windowCount >= (this.keyings > 0 ? 6 : 9)) return false
    this.#windowCount++
    return true
  }
}
