import type { EndpointStats } from '../stats.ts'
import { TokenBucket } from '../token-bucket.ts'
import type { PeerAddress } from '../transport.ts'

/** Bounds on what a server does for datagrams that did not authenticate (docs/LIMITS.md). */
export interface ReplyLimits {
  /** Replies per second to one IP address without a recent session (bursts of twice that). */
  readonly repliesPerSource: number
  /** Replies per second to all sources without a recent session together (and, apart, to those with one). */
  readonly repliesPerSecond: number
  /** Share of one core the X25519 work for unauthenticated datagrams may take, 0–1. */
  readonly handshakeCpuShare: number
  /** What one X25519 operation (a box made or opened) costs, ms of CPU. */
  readonly x25519Cost: number
  /** How long an address keeps priority after its session ended, ms. */
  readonly knownFor: number
}

/** The counter of a refusal. */
type BudgetRefusal = 'refusedPerSource' | 'refusedGlobal' | 'refusedCpu'

/** Share of the X25519 budget kept for addresses with a recent session. */
const KNOWN_SHARE = 1 / 4
/** The X25519 buckets hold this many seconds of their rate. */
const X25519_BURST_SECONDS = 1 / 4

interface Budget {
  readonly replies: TokenBucket
  readonly x25519: TokenBucket
  readonly sources: Map<string, TokenBucket>
  readonly capacity: number
}

/**
 * The rate limits of every reply to an unauthenticated datagram: one bucket
 * per source and global buckets for replies and for X25519 work. Addresses
 * with a session now or within `knownFor` are charged to buckets of their own
 * (per address and port), so a flood from other sources cannot starve them.
 */
export class ReplyBudget {
  readonly #limits: ReplyLimits
  readonly #counters: EndpointStats
  readonly #known: Budget
  readonly #strangers: Budget
  /** Addresses whose session ended → until when they keep priority (oldest first; bounded). */
  readonly #recent = new Map<string, number>()
  readonly #recentCapacity: number

  constructor(limits: ReplyLimits, counters: EndpointStats, capacity: { known: number; strangers: number }) {
    this.#limits = limits
    this.#counters = counters
    const x25519PerSecond = (limits.handshakeCpuShare * 1000) / limits.x25519Cost
    const budget = (x25519: number, sources: number): Budget => ({
      replies: new TokenBucket(limits.repliesPerSecond, limits.repliesPerSecond),
      x25519: new TokenBucket(x25519, Math.max(2, x25519 * X25519_BURST_SECONDS)),
      sources: new Map(),
      capacity: sources,
    })
    this.#known = budget(x25519PerSecond * KNOWN_SHARE, capacity.known)
    this.#strangers = budget(x25519PerSecond * (1 - KNOWN_SHARE), capacity.strangers)
    this.#recentCapacity = capacity.known
  }

  /** X25519 operations per second the budget allows, all classes together. */
  get x25519PerSecond(): number {
    return (this.#limits.handshakeCpuShare * 1000) / this.#limits.x25519Cost
  }

  /** Whether `key` has priority: a session now (`live`) or one that ended within `knownFor`. */
  isKnown(now: number, key: string, live: boolean): boolean {
    if (live) return true
    const until = this.#recent.get(key)
    return until !== undefined && now < until
  }

  /** The session of `key` ended at `now`: it keeps priority a while. */
  sessionEnded(now: number, key: string): void {
    this.#recent.delete(key)
    if (this.#recent.size >= this.#recentCapacity) this.#recent.delete(this.#recent.keys().next().value!)
    this.#recent.set(key, now + this.#limits.knownFor)
  }

  /**
   * Charges one datagram's answer to `from`'s budgets: `reply` when it sends a
   * reply, `x25519` operations it needs. Returns true when it may go; a refusal
   * is counted (and spends nothing).
   */
  allow(
    now: number,
    from: PeerAddress,
    key: string,
    known: boolean,
    reply: boolean,
    x25519: number,
  ): boolean {
    const budget = known ? this.#known : this.#strangers
    const source = this.#sourceBucket(budget, known ? key : from.address)
    const refusal: BudgetRefusal | undefined = !source.has(now)
      ? 'refusedPerSource'
      : reply && !budget.replies.has(now)
        ? 'refusedGlobal'
        : x25519 > 0 && !budget.x25519.has(now, x25519)
          ? 'refusedCpu'
          : undefined
    if (refusal !== undefined) {
      this.#counters[refusal]++
      this.#counters.rateLimited++
      return false
    }
    source.take()
    if (reply) budget.replies.take()
    if (x25519 > 0) {
      budget.x25519.take(x25519)
      this.#counters.x25519 += x25519
    }
    return true
  }

  /** The bucket of one source, least recently used out past the capacity. */
  #sourceBucket(budget: Budget, id: string): TokenBucket {
    let bucket = budget.sources.get(id)
    if (bucket !== undefined) {
      budget.sources.delete(id)
    } else {
      if (budget.sources.size >= budget.capacity) budget.sources.delete(budget.sources.keys().next().value!)
      bucket = new TokenBucket(this.#limits.repliesPerSource, 2 * this.#limits.repliesPerSource)
    }
    budget.sources.set(id, bucket)
    return bucket
  }
}
