import { SequenceMap } from '@pavillion/core'

/** One call the server accepted: running until `response` is set, then kept until `expiresAt`. */
export interface CachedCall {
  /** The encoded response plaintext, once the handler finished. */
  response: Uint8Array | undefined
  /** When the entry stops answering retransmissions (ms); infinite while running. */
  expiresAt: number
}

interface Entry extends CachedCall {
  readonly caller: string
  readonly counter: bigint
  /** Dropped from the index; its place in the start order is skipped. */
  removed: boolean
}

/**
 * The server's at-most-once memory: responses by call (the calling client
 * instance, and the call's packet counter), bounded in entries (oldest
 * finished call first out) and in time. Running calls are never evicted, so
 * the bound on entries is also the bound on calls running at once. Expiry is
 * checked on access: no timers.
 */
export class ResponseCache {
  /** Entries by caller, then by call counter. */
  readonly #calls = new Map<string, SequenceMap<bigint, Entry>>()
  /** Entries in the order their calls started (removed ones linger until passed over). */
  #order: Entry[] = []
  #head = 0
  #size = 0
  readonly #maxEntries: number
  readonly #ttl: number

  /**
   * @param maxEntries - entries kept, running calls included (≥ 1)
   * @param ttl - how long a finished response is kept, ms (≥ 0)
   * @throws RangeError for a bound out of range
   */
  constructor(maxEntries: number, ttl: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`"cacheEntries" expected an integer ≥ 1, got ${String(maxEntries)}`)
    }
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new RangeError(`"cacheTtl" expected a finite number of ms ≥ 0, got ${String(ttl)}`)
    }
    this.#maxEntries = maxEntries
    this.#ttl = ttl
  }

  /** Entries held (running and finished, expired ones not yet dropped included). */
  get size(): number {
    return this.#size
  }

  /** The live entry of call `counter` from `caller`, or undefined; drops it when expired. */
  lookup(caller: string, counter: bigint, now: number): CachedCall | undefined {
    const entry = this.#calls.get(caller)?.get(counter)
    if (entry === undefined) return undefined
    if (entry.expiresAt > now) return entry
    this.#remove(entry)
    return undefined
  }

  /**
   * Records a new running call (replacing what was there). Returns undefined
   * when every entry is a running call: the caller must refuse the call.
   */
  begin(caller: string, counter: bigint): CachedCall | undefined {
    let calls = this.#calls.get(caller)
    const previous = calls?.get(counter)
    if (previous !== undefined) this.#remove(previous)
    if (this.#size >= this.#maxEntries && !this.#makeRoom()) return undefined
    const entry: Entry = {
      response: undefined,
      expiresAt: Number.POSITIVE_INFINITY,
      caller,
      counter,
      removed: false,
    }
    if (calls === undefined || calls.size === 0) {
      calls = new SequenceMap()
      this.#calls.set(caller, calls)
    }
    calls.set(counter, entry)
    this.#size++
    this.#order.push(entry)
    // Removed entries are passed over lazily; keep them from outnumbering the live ones.
    if (this.#order.length - this.#head > 2 * this.#maxEntries) this.#compact()
    return entry
  }

  /** Stores the response of a finished call; it answers retransmissions for `ttl` ms from `now`. */
  complete(entry: CachedCall, response: Uint8Array, now: number): void {
    entry.response = response
    entry.expiresAt = now + this.#ttl
  }

  /** Forgets everything. */
  clear(): void {
    this.#calls.clear()
    this.#order = []
    this.#head = 0
    this.#size = 0
  }

  #remove(entry: Entry): void {
    entry.removed = true
    const calls = this.#calls.get(entry.caller)
    calls?.delete(entry.counter)
    if (calls?.size === 0) this.#calls.delete(entry.caller)
    this.#size--
  }

  /**
   * Drops the oldest finished entry (expired or not); false when every entry
   * is a running call. Running calls met on the way move to the back, so this
   * usually looks at one entry.
   */
  #makeRoom(): boolean {
    for (let left = this.#order.length - this.#head; left > 0; left--) {
      const entry = this.#order[this.#head]!
      this.#head++
      if (entry.removed) continue
      if (entry.response === undefined) {
        this.#order.push(entry)
        continue
      }
      this.#remove(entry)
      if (this.#head > this.#maxEntries) this.#compact()
      return true
    }
    return false
  }

  /** Forgets the passed-over and removed entries of the start order. */
  #compact(): void {
    this.#order = this.#order.slice(this.#head).filter((entry) => !entry.removed)
    this.#head = 0
  }
}
