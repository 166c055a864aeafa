import { REPLAY_WINDOW_SIZE } from './constants.ts'

/** What the window says of a counter: never seen, seen already, or too old to tell. */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'stale'

const BLOCK_BITS = 32

/**
 * Anti-replay sliding window over u64 counters (RFC 6479 style): accepts each
 * counter at most once, in any order, as long as it is within `size` of the
 * newest accepted one and above the floor set at the handshake.
 *
 * Use `check()` before authenticating and `commit()` only after the MAC has
 * verified, so forged packets never move the window. Single-threaded; the
 * zero value (floor 0) accepts every counter ≥ 1 once.
 */
export class ReplayWindow {
  readonly #size: number
  readonly #blocks: Uint32Array
  #newest: bigint
  #floor: bigint

  /**
   * @param floor every counter ≤ floor is refused (the counter a handshake announced)
   * @param size how many counters below the newest are remembered
   */
  constructor(floor = 0n, size = REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < BLOCK_BITS || size % BLOCK_BITS !== 0) {
      throw new RangeError(`"size" expected a positive multiple of ${BLOCK_BITS}, got ${size}`)
    }
    this.#size = size
    // One spare block so the ring never overwrites bits still inside the window.
    this.#blocks = new Uint32Array(size / BLOCK_BITS + 1)
    this.#newest = floor
    this.#floor = floor
  }

  /** The newest committed counter (the floor before anything was committed). */
  get newest(): bigint {
    return this.#newest
  }

  /** Classifies `counter` without changing the window. */
  check(counter: bigint): ReplayVerdict {
    if (counter <= this.#floor) return 'stale'
    if (counter > this.#newest) return 'fresh'
    const behind = this.#newest - counter
    if (behind >= BigInt(this.#size)) return 'stale'
    return this.#isSet(counter) ? 'duplicate' : 'fresh'
  }

  /** Marks `counter` as seen. Call only for a counter `check()` called fresh and whose packet authenticated. */
  commit(counter: bigint): void {
    if (counter > this.#newest) {
      const blocks = this.#blocks.length
      const oldBlock = this.#newest / BigInt(BLOCK_BITS)
      const newBlock = counter / BigInt(BLOCK_BITS)
      const advance = Number(newBlock - oldBlock < BigInt(blocks) ? newBlock - oldBlock : BigInt(blocks))
      for (let i = 1; i <= advance; i++) this.#blocks[Number((oldBlock + BigInt(i)) % BigInt(blocks))] = 0
      this.#newest = counter
    }
    const [index, bit] = this.#position(counter)
    this.#blocks[index] = (this.#blocks[index] ?? 0) | bit
  }

  /** Forgets everything and refuses every counter ≤ floor (a new handshake with the same key). */
  reset(floor: bigint): void {
    this.#blocks.fill(0)
    this.#newest = floor
    this.#floor = floor
  }

  #isSet(counter: bigint): boolean {
    const [index, bit] = this.#position(counter)
    return ((this.#blocks[index] ?? 0) & bit) !== 0
  }

  #position(counter: bigint): [number, number] {
    const block = counter / BigInt(BLOCK_BITS)
    const index = Number(block % BigInt(this.#blocks.length))
    return [index, 1 << Number(counter % BigInt(BLOCK_BITS))]
  }
}
