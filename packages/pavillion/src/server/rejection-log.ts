import type { PeerAddress } from '@pavillion/core'

/** At most one line per IP address in this many ms. */
export const REJECTION_LOG_INTERVAL = 10_000
/** Addresses remembered at once; beyond it, lines from new addresses are counted globally. */
const MAX_ADDRESSES = 1024

interface Window {
  /** When the last line for this address was written. */
  loggedAt: number
  /** Rejections withheld since. */
  suppressed: number
}

/**
 * Rate-limits the lines about rejected handshakes: at most one per source
 * IP address (whatever the port) per {@link REJECTION_LOG_INTERVAL}, the next one saying how many
 * were withheld. Memory is bounded: at most 1024 addresses are remembered
 * (expired ones are forgotten when the table is full); when all are recent,
 * new addresses share one count, so a flood from many addresses cannot grow it.
 */
export class RejectionLog {
  readonly #windows = new Map<string, Window>()
  readonly #now: () => number
  /** Withheld rejections of addresses no longer (or never) remembered. */
  #others = 0

  constructor(now: () => number = () => performance.now()) {
    this.#now = now
  }

  /**
   * Returns the suffix to log with a rejection from `address` (`''`, or the
   * counts withheld since the last line), or undefined when this one is withheld.
   */
  admit(address: PeerAddress): string | undefined {
    const now = this.#now()
    const key = address.address // the host: a sender changing ports shares one window
    const window = this.#windows.get(key)
    if (window !== undefined && now - window.loggedAt < REJECTION_LOG_INTERVAL) {
      window.suppressed++
      return undefined
    }
    if (window === undefined && !this.#makeRoom(now)) {
      this.#others++
      return undefined
    }
    const mine = window?.suppressed ?? 0
    const others = this.#others
    this.#others = 0
    this.#windows.set(key, { loggedAt: now, suppressed: 0 })
    const parts = [
      ...(mine === 0 ? [] : [`${mine} more from this address not logged`]),
      ...(others === 0 ? [] : [`${others} from other addresses not logged`]),
    ]
    return parts.length === 0 ? '' : ` (${parts.join('; ')})`
  }

  /** Frees slots when the table is full: expired windows go, their withheld counts move to the shared one. */
  #makeRoom(now: number): boolean {
    if (this.#windows.size < MAX_ADDRESSES) return true
    for (const [key, window] of this.#windows) {
      if (now - window.loggedAt < REJECTION_LOG_INTERVAL) continue
      this.#others += window.suppressed
      this.#windows.delete(key)
    }
    return this.#windows.size < MAX_ADDRESSES
  }
}
