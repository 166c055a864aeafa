/**
 * A token bucket on the caller's clock (sans-I/O: `now` comes in, ms): it
 * holds at most `burst` tokens and gains `perSecond` of them per second.
 * It starts full.
 */
export class TokenBucket {
  readonly #perMs: number
  readonly #burst: number
  #tokens: number
  #at = Number.NEGATIVE_INFINITY

  constructor(perSecond: number, burst: number) {
    this.#perMs = perSecond / 1000
    this.#burst = burst
    this.#tokens = burst
  }

  /** Whether `n` tokens are there at `now`. */
  has(now: number, n = 1): boolean {
    if (now > this.#at) {
      const gained = this.#at === Number.NEGATIVE_INFINITY ? this.#burst : (now - this.#at) * this.#perMs
      this.#tokens = Math.min(this.#burst, this.#tokens + gained)
      this.#at = now
    }
    return this.#tokens >= n
  }

  /** Spends `n` tokens; call after `has(now, n)` said they are there. */
  take(n = 1): void {
    this.#tokens -= n
  }
}
