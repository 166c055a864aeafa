/** Ring sizes: the first, and the largest it grows to before long-lived entries move aside. */
const INITIAL_CAPACITY = 64
const MAX_CAPACITY = 4096

/**
 * A map for keys issued in sequence (tickets, packet counters) whose entries
 * mostly live briefly: a power-of-two ring indexed by the key's low bits,
 * plus a `Map` for the rare entry still alive when its slot comes round again.
 *
 * Why not a `Map` alone: under steady insert/delete churn V8 replaces a
 * `Map`'s hash table every few operations and links each replaced table to
 * its successor. Once one table has reached the old generation, that chain
 * keeps every later table, and every value in them, alive through young
 * collections until the next full collection — with sends in flight at tens
 * of thousands a second, that multiplied the cost of garbage collection.
 */
export class SequenceMap<K extends number | bigint, V> {
  #keys: (K | undefined)[]
  #values: (V | undefined)[]
  #mask: number
  readonly #aside = new Map<K, V>()
  #size = 0

  constructor() {
    this.#keys = new Array(INITIAL_CAPACITY).fill(undefined)
    this.#values = new Array(INITIAL_CAPACITY).fill(undefined)
    this.#mask = INITIAL_CAPACITY - 1
  }

  /** Number of entries. */
  get size(): number {
    return this.#size
  }

  /** The value of `key`, or undefined. */
  get(key: K): V | undefined {
    const slot = this.#slot(key)
    if (this.#keys[slot] === key) return this.#values[slot]
    return this.#aside.size === 0 ? undefined : this.#aside.get(key)
  }

  /** Whether `key` has an entry. */
  has(key: K): boolean {
    return this.#keys[this.#slot(key)] === key || (this.#aside.size > 0 && this.#aside.has(key))
  }

  /** Sets the value of `key`. */
  set(key: K, value: V): void {
    const slot = this.#slot(key)
    const occupant = this.#keys[slot]
    if (occupant === key) {
      this.#values[slot] = value
      return
    }
    if (this.#aside.size > 0 && this.#aside.has(key)) {
      this.#aside.set(key, value)
      return
    }
    this.#size++
    if (occupant === undefined) {
      this.#keys[slot] = key
      this.#values[slot] = value
    } else if (this.#size > this.#keys.length / 2 && this.#keys.length < MAX_CAPACITY) {
      // The ring is busy: make it larger (which may free this slot) and try again.
      this.#size--
      this.#grow()
      this.set(key, value)
    } else {
      // An old entry outlived a lap of the ring: it moves aside, the new one takes its slot.
      this.#aside.set(occupant, this.#values[slot] as V)
      this.#keys[slot] = key
      this.#values[slot] = value
    }
  }

  /** Removes `key`; true when it had an entry. */
  delete(key: K): boolean {
    const slot = this.#slot(key)
    if (this.#keys[slot] === key) {
      this.#keys[slot] = undefined
      this.#values[slot] = undefined
      this.#size--
      return true
    }
    if (this.#aside.size > 0 && this.#aside.delete(key)) {
      this.#size--
      return true
    }
    return false
  }

  /** Every key, in no particular order. */
  *keys(): IterableIterator<K> {
    for (const [key] of this.entries()) yield key
  }

  /** Every value, in no particular order. */
  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value
  }

  /** Every entry, in no particular order. */
  *entries(): IterableIterator<[K, V]> {
    for (let slot = 0; slot < this.#keys.length; slot++) {
      const key = this.#keys[slot]
      if (key !== undefined) yield [key, this.#values[slot] as V]
    }
    yield* this.#aside.entries()
  }

  /** Removes every entry. */
  clear(): void {
    this.#keys.fill(undefined)
    this.#values.fill(undefined)
    this.#aside.clear()
    this.#size = 0
  }

  #slot(key: K): number {
    return (typeof key === 'number' ? key >>> 0 : Number(BigInt.asUintN(32, key as bigint))) & this.#mask
  }

  #grow(): void {
    const keys = this.#keys
    const values = this.#values
    const capacity = keys.length * 2
    this.#keys = new Array(capacity).fill(undefined)
    this.#values = new Array(capacity).fill(undefined)
    this.#mask = capacity - 1
    this.#size = this.#aside.size
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot]
      if (key !== undefined) this.set(key, values[slot] as V)
    }
  }
}
