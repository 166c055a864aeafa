import { InvalidArgumentError, SequenceMap } from '@pavillion/core'

/** One call the server accepted: running until `response` is set, then kept until `expiresAt`. */
export interface CachedCall {
  /** The encoded response plaintext, once the handler finished. */
  response: Uint8Array | undefined
  /** When the entry stops answering retransmissions (ms); infinite while running. */
  expiresAt: number
}

interface Entry extends CachedCall {
  readonly caller: Caller
  readonly counter: bigint
  /** Dropped from the index; its place in the start order is skipped. */
  removed: boolean
}

/** One caller's entries, and the call it started last. */
interface Caller {
  readonly key: string
  readonly calls: SequenceMap<bigint, Entry>
  latest: Entry | undefined
}

/**
 * The server's at-most-once memory: responses by call (the calling client
 * instance, and the call's packet counter), bounded in entries (oldest
 * finished call first out) and in time. Running calls are never evicted, so
 * the bound on entries is also the bound on calls running at once. Expiry is
 * checked on access: no timers.
 *
 * Each caller's latest call is kept beyond the bound while it lives (up to a
 * second `maxEntries`): its client may still be retransmitting it — a client
 * making one call at a time has started no other — and with more callers than
 * entries the oldest finished call would otherwise be one whose response was
 * lost, answered "no longer kept" when its retransmission arrives.
 */
export class ResponseCache {
  /** Entries by caller, then by call counter. */
  readonly #callers = new Map<string, Caller>()
  /** Entries in the order their calls started (removed ones linger until passed over). */
  #order: Entry[] = []
  #head = 0
  #size = 0
  readonly #maxEntries: number
  readonly #ttl: number

  /**
   * @param maxEntries - entries kept, running calls included (≥ 1); each caller's latest call may exceed it, up to twice
   * @param ttl - how long a finished response is kept, ms (≥ 0)
   * @throws InvalidArgumentError for a bound out of range
   */
  constructor(maxEntries: number, ttl: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new InvalidArgumentError(`"cacheEntries" expected an integer ≥ 1, got ${String(maxEntries)}`)
    }
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new InvalidArgumentError(`"cacheTtl" expected a finite number of ms ≥ 0, got ${String(ttl)}`)
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
    const entry = this.#callers.get(caller)?.calls.get(counter)
    if (entry === undefined) return undefined
    if (entry.expiresAt > now) return entry
    this.#remove(entry)
    return undefined
  }

  /**
   * Records a new running call (replacing what was there) at `now`. Returns
   * undefined when every entry is a running call: the caller must refuse the call.
   */
  begin(key: string, counter: bigint, now: number): CachedCall | undefined {
    let caller = this.#callers.get(key)
    const previous = caller?.calls.get(counter)
    if (previous !== undefined) this.#remove(previous)
    if (this.#size >= this.#maxEntries && !this.#makeRoom(now)) return undefined
    caller = this.#callers.get(key)
    if (caller === undefined) {
      caller = { key, calls: new SequenceMap(), latest: undefined }
      this.#callers.set(key, caller)
    }
    const entry: Entry = {
      response: undefined,
      expiresAt: Number.POSITIVE_INFINITY,
      caller,
      counter,
      removed: false,
    }
    caller.calls.set(counter, entry)
    caller.latest = entry
    this.#size++
    this.#order.push(entry)
    // Removed entries are passed over lazily; keep them from outnumbering the live ones.
    if (this.#order.length - this.#head > 4 * this.#maxEntries) this.#compact()
    return entry
  }

  /** Stores the response of a finished call; it answers retransmissions for `ttl` ms from `now`. */
  complete(entry: CachedCall, response: Uint8Array, now: number): void {
    entry.response = response
    entry.expiresAt = now + this.#ttl
  }

  /** Forgets everything. */
  clear(): void {
    this.#callers.clear()
    this.#order = []
    this.#head = 0
    this.#size = 0
  }

  #remove(entry: Entry): void {
    entry.removed = true
    const { caller } = entry
    caller.calls.delete(entry.counter)
    if (caller.latest === entry) caller.latest = undefined
    if (caller.calls.size === 0) this.#callers.delete(caller.key)
    this.#size--
  }

  /**
   * Drops the oldest finished entry (expired or not) that is no caller's live
   * latest call; with none, lets the latest calls exceed the bound up to twice
   * `maxEntries`, then drops the oldest of them. False when every entry is a
   * running call. Entries kept on the way move to the back, so this usually
   * looks at one entry.
   */
  #makeRoom(now: number): boolean {
    let latest: Entry | undefined
    for (let left = this.#order.length - this.#head; left > 0; left--) {
      const entry = this.#order[this.#head]!
      this.#head++
      if (entry.removed) continue
      if (entry.response === undefined || (entry.caller.latest === entry && entry.expiresAt > now)) {
        if (entry.response !== undefined) latest ??= entry
        this.#order.push(entry)
        continue
      }
      this.#drop(entry)
      return true
    }
    if (latest === undefined) return false
    if (this.#size < 2 * this.#maxEntries) return true
    this.#drop(latest)
    return true
  }

  #drop(entry: Entry): void {
    this.#remove(entry)
    if (this.#head > this.#maxEntries) this.#compact()
  }

  /** Forgets the passed-over and removed entries of the start order. */
  #compact(): void {
    this.#order = this.#order.slice(this.#head).filter((entry) => !entry.removed)
    this.#head = 0
  }
}
