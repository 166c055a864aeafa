import { positiveInteger } from './options.ts'

/** Peers whose count dropped to zero are forgotten once there are more than this many of them. */
const IDLE_KEPT = 256

/**
 * Counts reliable publishes in flight per peer key and refuses a new one
 * when any of its peers is at the cap. A peer's entry stays when its count
 * drops to zero (deleting and re-adding it for every publish churns the
 * map, which V8 makes expensive to collect); idle entries are swept once
 * there are more than a few hundred, so the map stays bounded by the peers
 * with something in flight.
 */
export class InFlightLimiter {
  readonly #max: number
  readonly #counts = new Map<string, number>()
  /** Entries whose count is zero. */
  #idle = 0

  /** @throws InvalidArgumentError when `max` is not a positive integer */
  constructor(max: number) {
    this.#max = positiveInteger('maxInFlightPerPeer', max)
  }

  /** The cap per peer. */
  get max(): number {
    return this.#max
  }

  /** Peers held: those with publishes in flight, and at most a few hundred idle ones. */
  get peers(): number {
    return this.#counts.size
  }

  /** Publishes in flight towards `key`. */
  count(key: string): number {
    return this.#counts.get(key) ?? 0
  }

  /** Takes one slot for each key, or none: returns the first key already at the cap, undefined on success. */
  tryAcquire(keys: readonly string[]): string | undefined {
    for (const key of keys) if (this.count(key) >= this.#max) return key
    for (const key of keys) {
      const count = this.#counts.get(key)
      if (count === 0) this.#idle--
      this.#counts.set(key, (count ?? 0) + 1)
    }
    return undefined
  }

  /** Gives back the slots `tryAcquire(keys)` took. */
  release(keys: readonly string[]): void {
    for (const key of keys) {
      const count = this.count(key)
      if (count === 0) continue
      if (count === 1) this.#idle++
      this.#counts.set(key, count - 1)
    }
    if (this.#idle > IDLE_KEPT) {
      for (const [key, count] of this.#counts) if (count === 0) this.#counts.delete(key)
      this.#idle = 0
    }
  }
}
