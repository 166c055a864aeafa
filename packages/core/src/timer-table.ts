import { SequenceMap } from './sequence-map.ts'

/**
 * Deadlines as data: at most one deadline per key, the earliest found in
 * O(log n). Re-arming or clearing a key leaves its old heap entry behind and
 * skips it lazily, so every operation stays logarithmic. Holds no timers itself.
 */
export class TimerTable<K extends number | string> {
  /** Deadlines by key: numeric keys (tickets, issued in sequence) and named ones. */
  readonly #byNumber = new SequenceMap<number, number>()
  readonly #byName = new Map<string, number>()
  // The heap as two parallel arrays (deadline, key): no object per entry.
  readonly #at: number[] = []
  readonly #keys: K[] = []

  /** Number of armed keys. */
  get size(): number {
    return this.#byNumber.size + this.#byName.size
  }

  /** Arms (or re-arms) `key` to fire at `at`. */
  set(key: K, at: number): void {
    if (this.get(key) === at) return
    if (typeof key === 'number') this.#byNumber.set(key, at)
    else this.#byName.set(key, at)
    this.#push(at, key)
    // Stale entries accumulate when keys are re-armed often; rebuild when they dominate.
    if (this.#at.length > 64 && this.#at.length > 4 * this.size) this.#rebuild()
  }

  /** Disarms `key`; harmless when it is not armed. */
  clear(key: K): void {
    if (typeof key === 'number') this.#byNumber.delete(key)
    else this.#byName.delete(key)
  }

  /** When `key` fires, or undefined. */
  get(key: K): number | undefined {
    return typeof key === 'number' ? this.#byNumber.get(key) : this.#byName.get(key)
  }

  /** The earliest armed deadline, or undefined when nothing is armed. */
  next(): number | undefined {
    this.#dropStale()
    return this.#at[0]
  }

  /** Disarms and returns the earliest key due at or before `now`, or undefined. */
  popDue(now: number): K | undefined {
    this.#dropStale()
    const at = this.#at[0]
    if (at === undefined || at > now) return undefined
    const key = this.#keys[0]!
    this.#pop()
    this.clear(key)
    return key
  }

  /** Disarms everything. */
  clearAll(): void {
    this.#byNumber.clear()
    this.#byName.clear()
    this.#at.length = 0
    this.#keys.length = 0
  }

  #dropStale(): void {
    while (this.#at.length > 0 && this.get(this.#keys[0]!) !== this.#at[0]) this.#pop()
  }

  #rebuild(): void {
    this.#at.length = 0
    this.#keys.length = 0
    for (const [key, at] of this.#byNumber.entries()) this.#push(at, key as K)
    for (const [key, at] of this.#byName) this.#push(at, key as K)
  }

  #push(at: number, key: K): void {
    const heapAt = this.#at
    const keys = this.#keys
    let i = heapAt.length
    heapAt.push(at)
    keys.push(key)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heapAt[parent]! <= at) break
      heapAt[i] = heapAt[parent]!
      keys[i] = keys[parent]!
      i = parent
    }
    heapAt[i] = at
    keys[i] = key
  }

  #pop(): void {
    const heapAt = this.#at
    const keys = this.#keys
    const lastAt = heapAt.pop()!
    const lastKey = keys.pop()!
    const size = heapAt.length
    if (size === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= size) break
      const right = left + 1
      const child = right < size && heapAt[right]! < heapAt[left]! ? right : left
      if (heapAt[child]! >= lastAt) break
      heapAt[i] = heapAt[child]!
      keys[i] = keys[child]!
      i = child
    }
    heapAt[i] = lastAt
    keys[i] = lastKey
  }
}
