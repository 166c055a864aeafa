/**
 * How the Python reference client sends a reliable message and whom it waits
 * for (PROTOCOL.md §9.1, §9.2), as plain data: the subscriber table keyed by
 * each server's skey, and the transmission schedule.
 */

/** A subscriber record lives this long after its last refresh, ms (§9.2). */
const SUBSCRIBER_EXPIRY = 240_000

/**
 * When the reference transmits one reliable message, ms after the first
 * transmission (§9.1 nominal schedule: 10 ms start, ×1.1, eight
 * retransmissions; the ninth transmission is not waited for).
 */
export const REFERENCE_RELIABLE_SCHEDULE: readonly number[] = [0, 42, 77, 116, 159, 205, 257, 314, 376]

/** The wildcard the reference expects when a target has no subscriber: any one acknowledgement. */
const ANY = '*'

/**
 * The reference client's subscriber table (§9.2): per target, the skey (hex)
 * of each server that acknowledged a reliable message to it or sent opcode 13
 * (or 14, D10) for it, with when. The identity is the skey of the moment, so
 * a server that re-keyed looks like a new subscriber and its old entry stays
 * until it expires.
 */
export class ReferenceSubscribers {
  readonly #targets = new Map<string, Map<string, number>>()

  /** Records (or refreshes) server `skeyHex` as a subscriber of `target` at `now`; the empty target is not recorded. */
  add(target: string, skeyHex: string, now: number): void {
    if (target === '') return
    this.#purge(now)
    const servers = this.#targets.get(target) ?? new Map<string, number>()
    servers.set(skeyHex, now)
    this.#targets.set(target, servers)
  }

  /** The skeys (hex) a reliable message to `target` waits for at `now`; empty when it waits for any one ack. */
  expected(target: string, now: number): string[] {
    const servers = this.#targets.get(target)
    if (servers === undefined) return []
    return [...servers].filter(([, at]) => now - at <= SUBSCRIBER_EXPIRY).map(([key]) => key)
  }

  /** The skeys (hex) recorded for `target`, expired or not. */
  of(target: string): string[] {
    return [...(this.#targets.get(target)?.keys() ?? [])]
  }

  #purge(now: number): void {
    for (const [target, servers] of this.#targets) {
      for (const [key, at] of servers) if (now - at > SUBSCRIBER_EXPIRY) servers.delete(key)
      if (servers.size === 0) this.#targets.delete(target)
    }
  }
}

/** What one reliable send of the reference-like client came to. */
export interface ReferenceSendResult {
  /** The message's counter. */
  readonly counter: bigint
  /** The skeys (hex) it waited for; empty: any one acknowledgement. */
  readonly expected: readonly string[]
  /** The skeys (hex) of the servers that acknowledged it while it was pending, in order. */
  readonly ackedBy: readonly string[]
  /** True when every expected server (or, with none expected, anyone) acknowledged it. */
  readonly acknowledged: boolean
  /** Transmissions made (1 = no retransmission; 9 = the whole schedule). */
  readonly transmissions: number
  /** ms from the first transmission to the last awaited acknowledgement, or to giving up. */
  readonly latency: number
}

/** One reliable message waiting for its acknowledgements. */
export class PendingReliable {
  readonly counter: bigint
  readonly target: string
  readonly expected: readonly string[]
  readonly #missing: Set<string>
  readonly #ackedBy: string[] = []
  readonly #startedAt: number
  #settle: (() => void) | undefined
  #done = false

  constructor(counter: bigint, target: string, expected: readonly string[], startedAt: number) {
    this.counter = counter
    this.target = target
    this.expected = expected
    this.#missing = new Set(expected.length === 0 ? [ANY] : expected)
    this.#startedAt = startedAt
  }

  /** True once every awaited acknowledgement came. */
  get complete(): boolean {
    return this.#missing.size === 0
  }

  /** An acknowledgement from server `skeyHex`: it is no longer awaited (the wildcard goes with any). */
  acknowledge(skeyHex: string): void {
    if (this.#done) return
    this.#ackedBy.push(skeyHex)
    this.#missing.delete(skeyHex)
    this.#missing.delete(ANY)
    if (this.complete) this.#settle?.()
  }

  /**
   * Runs the schedule: `transmit(i)` for transmission i at its time, until
   * complete or the schedule ends (the last transmission is not waited for).
   */
  async run(transmit: (attempt: number) => void, now: () => number): Promise<ReferenceSendResult> {
    let transmissions = 0
    for (const [i, at] of REFERENCE_RELIABLE_SCHEDULE.entries()) {
      const wait = this.#startedAt + at - now()
      if (wait > 0) await this.#waitAck(wait)
      if (this.complete) break
      transmit(i)
      transmissions++
    }
    this.#done = true
    return {
      counter: this.counter,
      expected: this.expected,
      ackedBy: [...this.#ackedBy],
      acknowledged: this.complete,
      transmissions,
      latency: now() - this.#startedAt,
    }
  }

  /** Resolves after `ms`, or as soon as the last awaited acknowledgement comes. */
  #waitAck(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.#settle = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}
