/**
 * Deadlines as data: at most one deadline per key, the earliest found in
 * O(log n). Re-arming or clearing a key leaves its old heap entry behind and
 * skips it lazily, so every operation stays logarithmic. Holds no timers itself.
 */
export class TimerTable<K> {
  readonly #armed = new Map<K, number>()
  // The heap as two parallel arrays (deadline, key): no object per entry.
  readonly #at: number[] = []
  readonly #keys: K[] = []

  /** Number of armed keys. */
  get size(): number {
    return this.#armed.size
  }

  /** Arms (or re-arms) `key` to fire at `at`. */
  set(key: K, at: number): void {
    if (this.#armed.get(key) === at) return
    this.#armed.set(key, at)
    this.#push(at, key)
    // Stale entries accumulate when keys are re-armed often; rebuild when they dominate.
    if (this.#at.length > 64 && this.#at.length > 4 * this.#armed.size) this.#rebuild()
  }

  /** Disarms `key`; harmless when it is not armed. */
  clear(key: K): void {
    this.#armed.delete(key)
  }

  /** When `key` fires, or undefined. */
  get(key: K): number | undefined {
    return this.#armed.get(key)
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
    this.#armed.delete(key)
    return key
  }

  /** Disarms everything. */
  clearAll(): void {
    this.#armed.clear()
    this.#at.length = 0
    this.#keys.length = 0
  }

  #dropStale(): void {
    while (this.#at.length > 0 && this.#armed.get(this.#keys[0]!) !== this.#at[0]) this.#pop()
  }

  #rebuild(): void {
    this.#at.length = 0
    this.#keys.length = 0
    for (const [key, at] of this.#armed) this.#push(at, key)
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
