interface Entry<K> {
  at: number
  key: K
}

/**
 * Deadlines as data: at most one deadline per key, the earliest found in
 * O(log n). Re-arming or clearing a key leaves its old heap entry behind and
 * skips it lazily, so every operation stays logarithmic. Holds no timers itself.
 */
export class TimerTable<K> {
  readonly #armed = new Map<K, number>()
  readonly #heap: Entry<K>[] = []

  /** Number of armed keys. */
  get size(): number {
    return this.#armed.size
  }

  /** Arms (or re-arms) `key` to fire at `at`. */
  set(key: K, at: number): void {
    if (this.#armed.get(key) === at) return
    this.#armed.set(key, at)
    this.#push({ at, key })
    // Stale entries accumulate when keys are re-armed often; rebuild when they dominate.
    if (this.#heap.length > 64 && this.#heap.length > 4 * this.#armed.size) this.#rebuild()
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
    return this.#heap[0]?.at
  }

  /** Disarms and returns the earliest key due at or before `now`, or undefined. */
  popDue(now: number): K | undefined {
    this.#dropStale()
    const top = this.#heap[0]
    if (top === undefined || top.at > now) return undefined
    this.#pop()
    this.#armed.delete(top.key)
    return top.key
  }

  /** Disarms everything. */
  clearAll(): void {
    this.#armed.clear()
    this.#heap.length = 0
  }

  #dropStale(): void {
    for (
      let top = this.#heap[0];
      top !== undefined && this.#armed.get(top.key) !== top.at;
      top = this.#heap[0]
    ) {
      this.#pop()
    }
  }

  #rebuild(): void {
    this.#heap.length = 0
    for (const [key, at] of this.#armed) this.#push({ at, key })
  }

  #push(entry: Entry<K>): void {
    const heap = this.#heap
    heap.push(entry)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.at <= entry.at) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
  }

  #pop(): void {
    const heap = this.#heap
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && heap[right]!.at < heap[left]!.at ? right : left
      if (heap[child]!.at >= last.at) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
  }
}
