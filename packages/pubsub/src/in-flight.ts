import { positiveInteger } from './options.ts'

/**
 * Counts reliable publishes in flight per peer key and refuses a new one
 * when any of its peers is at the cap. Holds one entry per peer with
 * something in flight, so it is bounded by the engine's peer tables.
 */
export class InFlightLimiter {
  readonly #max: number
  readonly #counts = new Map<string, number>()

  /** @throws RangeError when `max` is not a positive integer */
  constructor(max: number) {
    this.#max = positiveInteger('maxInFlightPerPeer', max)
  }

  /** The cap per peer. */
  get max(): number {
    return this.#max
  }

  /** Publishes in flight towards `key`. */
  count(key: string): number {
    return this.#counts.get(key) ?? 0
  }

  /** Takes one slot for each key, or none: returns the first key already at the cap, undefined on success. */
  tryAcquire(keys: readonly string[]): string | undefined {
    for (const key of keys) if (this.count(key) >= this.#max) return key
    for (const key of keys) this.#counts.set(key, this.count(key) + 1)
    return undefined
  }

  /** Gives back the slots `tryAcquire(keys)` took. */
  release(keys: readonly string[]): void {
    for (const key of keys) {
      const count = this.count(key) - 1
      if (count > 0) this.#counts.set(key, count)
      else this.#counts.delete(key)
    }
  }
}
