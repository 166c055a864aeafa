import { REPLAY_WINDOW_SIZE } from './constants.ts'
import { InvalidArgumentError } from './errors.ts'

/** What the window says of a counter: never seen, seen already, or too old to tell. */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'stale'

const BLOCK_BITS = 32

/**
 * Anti-replay sliding window over u64 counters: accepts each counter at most
 * once, in any order, as long as it is within `size` of the newest accepted
 * one and above the floor set at the handshake.
 *
 * The bitmap has exactly `size` bits (256 bytes for the default 2048): the
 * counter c lives at bit c mod size, and moving the newest edge forward
 * clears the bits of the counters it skips — bit by bit at the edges, a
 * whole 32-bit block at a time in between — so no spare block is needed.
 *
 * Use `check()` before authenticating and `commit()` only after the MAC has
 * verified, so forged packets never move the window. Single-threaded; the
 * zero value (floor 0) accepts every counter ≥ 1 once.
 */
export class ReplayWindow {
  readonly #size: bigint
  readonly #bits: Uint32Array
  /** size − 1: positions are the counter's low bits. */
  readonly #mask: number
  #newest: bigint
  /** The position of `#newest`. */
  #newestAt: number
  #floor: bigint

  /**
   * @param floor every counter ≤ floor is refused (the counter a handshake announced)
   * @param size how many counters up to the newest are remembered: a power of two, at least 32
   * @throws InvalidArgumentError for another size
   */
  constructor(floor = 0n, size = REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < BLOCK_BITS || size > 2 ** 30 || (size & (size - 1)) !== 0) {
      throw new InvalidArgumentError(`"size" expected a power of two from ${BLOCK_BITS} to 2^30, got ${size}`)
    }
    this.#size = BigInt(size)
    this.#bits = new Uint32Array(size / BLOCK_BITS)
    this.#mask = size - 1
    this.#newest = floor
    this.#newestAt = this.#positionOf(floor)
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
    if (this.#newest - counter >= this.#size) return 'stale'
    const at = this.#positionOf(counter)
    return (this.#bits[at >>> 5]! & (1 << (at & 31))) !== 0 ? 'duplicate' : 'fresh'
  }

  /** Marks `counter` as seen. Call only for a counter `check()` called fresh and whose packet authenticated. */
  commit(counter: bigint): void {
    const at = this.#positionOf(counter)
    if (counter > this.#newest) {
      const ahead = counter - this.#newest
      if (ahead >= this.#size) this.#bits.fill(0)
      else this.#clear((this.#newestAt + 1) & this.#mask, Number(ahead))
      this.#newest = counter
      this.#newestAt = at
    }
    this.#bits[at >>> 5]! |= 1 << (at & 31)
  }

  /** Forgets everything and refuses every counter ≤ floor (a new handshake with the same key). */
  reset(floor: bigint): void {
    this.#bits.fill(0)
    this.#newest = floor
    this.#newestAt = this.#positionOf(floor)
    this.#floor = floor
  }

  /** Clears `count` (< size) bits from position `from` on, wrapping around the end. */
  #clear(from: number, count: number): void {
    let at = from
    let left = count
    while (left > 0) {
      const offset = at & 31
      const run = Math.min(BLOCK_BITS - offset, left)
      const bits = run === BLOCK_BITS ? 0xffff_ffff : ((1 << run) - 1) << offset
      this.#bits[at >>> 5]! &= ~bits
      at = (at + run) & this.#mask
      left -= run
    }
  }

  /** The bit a counter occupies: its low bits (the size is a power of two at most 2^30). */
  #positionOf(counter: bigint): number {
    return Number(BigInt.asUintN(32, counter)) & this.#mask
  }
}
