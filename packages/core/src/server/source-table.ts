/** What a server keeps about an address before (or besides) a session: small and bounded. */
export interface SourceRecord {
  /** The server nonce this address gets until a handshake succeeds (PROTOCOL.md §5.3). */
  serverNonce: Uint8Array | undefined
  /**
   * ECC guest keys of the nonce requests from this address since its last handshake, newest first
   * (at most {@link GUEST_CANDIDATES}): only a handshake that opens under one of them binds a key to
   * the address (PROTOCOL.md §6.3), so a spoofed request cannot lock the address out.
   */
  guestKeys: Uint8Array[]
  /** No opcode 4 goes to this address before this time. */
  unrecognizedQuietUntil: number
  /** No opcode 6 goes to this address before this time. */
  invalidIdQuietUntil: number
}

/** Guest keys a record keeps for one address. */
export const GUEST_CANDIDATES = 2

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

  /**
   * The record of `key`, created (or `adopted` from another table) if needed and marked most
   * recently used; evicts the oldest when full.
   */
  touch(key: string, adopted?: SourceRecord): SourceRecord {
    let record = this.#records.get(key)
    if (record !== undefined) {
      this.#records.delete(key)
    } else {
      if (this.#records.size >= this.#capacity)
        this.#records.delete(this.#records.keys().next().value as string)
      record = adopted ?? {
        serverNonce: undefined,
        guestKeys: [],
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
