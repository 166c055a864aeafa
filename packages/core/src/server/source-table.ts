/** What a server keeps about an address before (or besides) a session: small and bounded. */
export interface SourceRecord {
  /** The server nonce this address gets until a handshake succeeds (PROTOCOL.md §5.3). */
  serverNonce: Uint8Array | undefined
  /** ECC guest key bound to this address by its first nonce request (PROTOCOL.md §6.3). */
  guestKey: Uint8Array | undefined
  /** No opcode 4 goes to this address before this time. */
  unrecognizedQuietUntil: number
  /** No opcode 6 goes to this address before this time. */
  invalidIdQuietUntil: number
}

/**
 * Per-address records for sources without a session, least recently used
 * first out: a flood from many addresses costs at most `capacity` records.
 */
export class SourceTable {
  readonly #capacity: number
  readonly #records = new Map<string, SourceRecord>()

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  /** Number of records held. */
  get size(): number {
    return this.#records.size
  }

  /** The record of `key`, if any (no LRU refresh). */
  peek(key: string): SourceRecord | undefined {
    return this.#records.get(key)
  }

  /** The record of `key`, created if needed and marked most recently used; evicts the oldest when full. */
  touch(key: string): SourceRecord {
    let record = this.#records.get(key)
    if (record !== undefined) {
      this.#records.delete(key)
    } else {
      if (this.#records.size >= this.#capacity)
        this.#records.delete(this.#records.keys().next().value as string)
      record = {
        serverNonce: undefined,
        guestKey: undefined,
        unrecognizedQuietUntil: Number.NEGATIVE_INFINITY,
        invalidIdQuietUntil: Number.NEGATIVE_INFINITY,
      }
    }
    this.#records.set(key, record)
    return record
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#records.delete(key)
  }
}
