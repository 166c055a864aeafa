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
  readonly #size: bigint
  readonly #blocks: Uint32Array
  /** Blocks − 1: the ring has a power-of-two length, so positions come from the counter's low 32 bits. */
  readonly #mask: number
  /** A jump of this many counters or more clears the whole ring. */
  readonly #span: bigint
  #newest: bigint
  /** The low 32 bits of `#newest`. */
  #newestLow: number
  #floor: bigint

  /**
   * @param floor every counter ≤ floor is refused (the counter a handshake announced)
   * @param size how many counters below the newest are remembered
   */
  constructor(floor = 0n, size = REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < BLOCK_BITS || size % BLOCK_BITS !== 0) {
      throw new RangeError(`"size" expected a positive multiple of ${BLOCK_BITS}, got ${size}`)
    }
    this.#size = BigInt(size)
    // At least one spare block so the ring never overwrites bits still inside the window.
    const blocks = 2 ** Math.ceil(Math.log2(size / BLOCK_BITS + 1))
    this.#blocks = new Uint32Array(blocks)
    this.#mask = blocks - 1
    this.#span = BigInt(blocks * BLOCK_BITS)
    this.#newest = floor
    this.#newestLow = lowBits(floor)
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
    if (behind >= this.#size) return 'stale'
    const low = lowBits(counter)
    return (this.#blocks[this.#index(low)]! & bitOf(low)) !== 0 ? 'duplicate' : 'fresh'
  }

  /** Marks `counter` as seen. Call only for a counter `check()` called fresh and whose packet authenticated. */
  commit(counter: bigint): void {
    const low = lowBits(counter)
    if (counter > this.#newest) {
      // Clear the blocks the newest edge moves into (all of them after a long jump).
      const ahead = counter - this.#newest
      const blocks = this.#blocks.length
      const advance =
        ahead >= this.#span ? blocks : Math.min(blocks, ((this.#newestLow & 31) + Number(ahead)) >>> 5)
      const oldIndex = this.#index(this.#newestLow)
      for (let i = 1; i <= advance; i++) this.#blocks[(oldIndex + i) & this.#mask] = 0
      this.#newest = counter
      this.#newestLow = low
    }
    const index = this.#index(low)
    this.#blocks[index] = this.#blocks[index]! | bitOf(low)
  }

  /** Forgets everything and refuses every counter ≤ floor (a new handshake with the same key). */
  reset(floor: bigint): void {
    this.#blocks.fill(0)
    this.#newest = floor
    this.#newestLow = lowBits(floor)
    this.#floor = floor
  }

  /** The ring index of the block holding the counter whose low 32 bits are `low`. */
  #index(low: number): number {
    return (low >>> 5) & this.#mask
  }
}

/** The low 32 bits of a counter (enough to place it: the ring is a power-of-two number of blocks). */
function lowBits(counter: bigint): number {
  return Number(BigInt.asUintN(32, counter))
}

/** The bit of its block a counter occupies. */
function bitOf(low: number): number {
  return 1 << (low & 31)
}
