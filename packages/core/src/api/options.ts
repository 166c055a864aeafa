import { EXPECTATIONS, type Expectation } from '../delivery-tracker.ts'
import { InvalidArgumentError } from '../errors.ts'

/** Options every async operation takes. */
export interface AbortOptions {
  /** Aborting rejects the operation with `signal.reason` and stops its retransmissions. */
  readonly signal?: AbortSignal
}

/** Options of an acknowledged send. */
export interface TrackedSendOptions extends AbortOptions {
  /** Give up after this many ms. Default 5000. */
  readonly timeout?: number
  /** Whose acknowledgement completes the send. Default `all` (see `Expectation`). */
  readonly expect?: Expectation
  /**
   * The application opcode whose packets answer this one (default 2, the
   * ack). An answer's payload starts with the u64 counter of the packet it
   * answers; the engine matches it and puts it in the report's `answers`
   * instead of handing it to the opcode's handler.
   */
  readonly answeredBy?: number
  /** Groups sends so that `cancelOwned(owner)` ends them together (e.g. a layer closing). */
  readonly owner?: object
}

/** Default timeout of acknowledged sends, ms. */
export const DEFAULT_SEND_TIMEOUT = 5_000

/**
 * Checks a timeout option.
 * @throws InvalidArgumentError unless it is a finite number ≥ 0
 */
export function timeoutOf(options: TrackedSendOptions | undefined): number {
  const timeout = options?.timeout ?? DEFAULT_SEND_TIMEOUT
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new InvalidArgumentError(`"timeout" expected a finite number of ms ≥ 0, got ${String(timeout)}`)
  }
  return timeout
}

/**
 * Checks an `expect` option (default `all`).
 * @throws InvalidArgumentError naming the valid words for any other value
 */
export function expectationOf(options: TrackedSendOptions | undefined): Expectation {
  const expect = options?.expect ?? 'all'
  if (!EXPECTATIONS.includes(expect)) {
    throw new InvalidArgumentError(
      `"expect" expected one of ${EXPECTATIONS.join(', ')}, got ${JSON.stringify(expect)}`,
    )
  }
  return expect
}
