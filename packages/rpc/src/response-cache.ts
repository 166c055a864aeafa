/** One call the server accepted: running until `response` is set, then kept until `expiresAt`. */
export interface CachedCall {
  readonly fn: number
  /** The arguments (a view of the call's own plaintext, never reused): a retransmission carries identical bytes. */
  readonly args: Uint8Array
  /** The encoded response plaintext, once the handler finished. */
  response: Uint8Array | undefined
  /** When the entry stops answering retransmissions (ms); infinite while running. */
  expiresAt: number
}

/**
 * The server's at-most-once memory: responses by call (client session and
 * call counter), bounded in entries (least recently used first out) and in
 * time. Running calls are never evicted, so the bound on entries is also the
 * bound on calls running at once. Expiry is checked on access: no timers.
 */
export class ResponseCache {
  readonly #entries = new Map<string, CachedCall>()
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
    return this.#entries.size
  }

  /** The live entry of `key` (now the most recently used), or undefined; drops it when expired. */
  lookup(key: string, now: number): CachedCall | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    this.#entries.delete(key)
    if (entry.expiresAt <= now) return undefined
    this.#entries.set(key, entry)
    return entry
  }

  /**
   * Records a new running call under `key` (replacing what was there).
   * Returns undefined when every entry is a running call: the caller must
   * refuse the call.
   */
  begin(key: string, fn: number, args: Uint8Array): CachedCall | undefined {
    this.#entries.delete(key)
    if (this.#entries.size >= this.#maxEntries && !this.#makeRoom()) return undefined
    const entry: CachedCall = {
      fn,
      args,
      response: undefined,
      expiresAt: Number.POSITIVE_INFINITY,
    }
    this.#entries.set(key, entry)
    return entry
  }

  /** Stores the response of a finished call; it answers retransmissions for `ttl` ms from `now`. */
  complete(entry: CachedCall, response: Uint8Array, now: number): void {
    entry.response = response
    entry.expiresAt = now + this.#ttl
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear()
  }

  /**
   * Drops the least recently used finished entry (expired or not); false when
   * every entry is a running call. Entries are kept in use order, so this
   * usually looks at one entry.
   */
  #makeRoom(): boolean {
    for (const [key, entry] of this.#entries) {
      if (entry.response !== undefined) {
        this.#entries.delete(key)
        return true
      }
    }
    return false
  }
}
