import type { Expectation } from '../delivery-tracker.ts'

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
}

/** Default timeout of acknowledged sends, ms. */
export const DEFAULT_SEND_TIMEOUT = 5_000

/**
 * Checks a timeout option.
 * @throws RangeError unless it is a finite number ≥ 0
 */
export function timeoutOf(options: TrackedSendOptions | undefined): number {
  const timeout = options?.timeout ?? DEFAULT_SEND_TIMEOUT
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new RangeError(`"timeout" expected a finite number of ms ≥ 0, got ${String(timeout)}`)
  }
  return timeout
}
