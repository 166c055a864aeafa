import { REPLAY_WINDOW_SIZE } from './constants.ts'
import { InvalidArgumentError } from './errors.ts'

/** What the window says of a counter: never seen, seen already, or too old to tell. */
export type ReplayVerdict = 'fresh' | 'duplicate' | 'stale'

const BLOCK_BITS = 32
/** The default size as a bigint, shared by every window of that size. */
const DEFAULT_SIZE = BigInt(REPLAY_WINDOW_SIZE)

/**
 * Anti-replay sliding window over u64 counters: accepts each counter at most
 * once, in any order, as long as it is within `size` of the newest accepted
 * one and above the floor set at the handshake.
 *
 * While counters arrive in order (each one the next, or a jump with nothing
 * committed inside the window before it) the window is just a run of
 * committed counters and holds no bitmap. The first counter that arrives out
 * of order or after a gap allocates the bitmap: exactly `size` bits (256
 * bytes for the default 2048), the counter c at bit c mod size. Moving the
 * newest edge forward clears the bits of the counters it skips — bit by bit
 * at the edges, a whole 32-bit block at a time in between — so no spare
 * block is needed. Both forms answer every counter alike.
 *
 * Use `check()` before authenticating and `commit()` only after the MAC has
 * verified, so forged packets never move the window. Single-threaded; the
 * zero value (floor 0) accepts every counter ≥ 1 once.
 */
export class ReplayWindow {
  readonly #size: bigint
  /** The remembered counters once one came out of order or after a gap (see the class doc). */
  #bits: Uint32Array | undefined
  /** size − 1: positions are the counter's low bits. */
  readonly #mask: number
  #newest: bigint
  /** The position of `#newest` (kept while there is a bitmap). */
  #newestAt = 0
  /** Without a bitmap: every counter in (#runFrom, #newest] was committed, none in (#floor, #runFrom]. */
  #runFrom: bigint
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
    this.#size = size === REPLAY_WINDOW_SIZE ? DEFAULT_SIZE : BigInt(size)
    this.#mask = size - 1
    this.#newest = floor
    this.#runFrom = floor
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
    const bits = this.#bits
    if (bits === undefined) return counter > this.#runFrom ? 'duplicate' : 'fresh'
    const at = this.#positionOf(counter)
    return (bits[at >>> 5]! & (1 << (at & 31))) !== 0 ? 'duplicate' : 'fresh'
  }

  /** Marks `counter` as seen. Call only for a counter `check()` called fresh and whose packet authenticated. */
  commit(counter: bigint): void {
    let bits = this.#bits
    if (bits === undefined) {
      const newest = this.#newest
      if (counter === newest + 1n) {
        this.#newest = counter
        return
      }
      // A jump past everything committed inside the window starts a new run.
      if (counter > newest && (this.#runFrom === newest || counter - newest >= this.#size)) {
        this.#runFrom = counter - 1n
        this.#newest = counter
        return
      }
      bits = this.#materialize()
    }
    const at = this.#positionOf(counter)
    if (counter > this.#newest) {
      const ahead = counter - this.#newest
      if (ahead >= this.#size) bits.fill(0)
      else this.#setRun((this.#newestAt + 1) & this.#mask, Number(ahead), false)
      this.#newest = counter
      this.#newestAt = at
    }
    bits[at >>> 5]! |= 1 << (at & 31)
  }

  /** Forgets everything and refuses every counter ≤ floor (a new handshake with the same key). */
  reset(floor: bigint): void {
    this.#bits = undefined
    this.#newest = floor
    this.#runFrom = floor
    this.#floor = floor
  }

  /** The bitmap of the run committed so far: its counters still inside the window set. */
  #materialize(): Uint32Array {
    const bits = new Uint32Array((this.#mask + 1) / BLOCK_BITS)
    this.#bits = bits
    this.#newestAt = this.#positionOf(this.#newest)
    // The run's counters inside the window: all of it, or the last `size`.
    const count =
      this.#newest - this.#runFrom >= this.#size ? this.#mask + 1 : Number(this.#newest - this.#runFrom)
    this.#setRun((this.#newestAt - count + 1) & this.#mask, count, true)
    return bits
  }

  /** Sets or clears `count` (≤ size) bits from position `from` on, wrapping around the end. */
  #setRun(from: number, count: number, on: boolean): void {
    const bits = this.#bits!
    let at = from
    let left = count
    while (left > 0) {
      const offset = at & 31
      const run = Math.min(BLOCK_BITS - offset, left)
      const mask = run === BLOCK_BITS ? 0xffff_ffff : ((1 << run) - 1) << offset
      bits[at >>> 5] = on ? bits[at >>> 5]! | mask : bits[at >>> 5]! & ~mask
      at = (at + run) & this.#mask
      left -= run
    }
  }

  /** The bit a counter occupies: its low bits (the size is a power of two at most 2^30). */
  #positionOf(counter: bigint): number {
    return Number(BigInt.asUintN(32, counter)) & this.#mask
  }
}
