import { type AbortOptions, DEFAULT_SEND_TIMEOUT, InvalidArgumentError } from '@pavillion/core'

/** Options of every publish. */
export interface PublishOptions extends AbortOptions {
  /** Opcode 1, acknowledged and retransmitted (default), or opcode 3, fire and forget. */
  readonly reliable?: boolean
  /** Give up waiting for acknowledgements after this many ms. Default 5000. */
  readonly timeout?: number
}

/** Options of `messages()`. */
export interface StreamOptions extends AbortOptions {
  /** Messages buffered before the oldest is dropped. Default: the pub/sub object's `streamBufferSize` (1024). */
  readonly bufferSize?: number
}

/**
 * Checks a timeout option.
 * @throws InvalidArgumentError unless it is a finite number ≥ 0
 */
export function timeoutOf(timeout: number | undefined): number {
  const value = timeout ?? DEFAULT_SEND_TIMEOUT
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`"timeout" expected a finite number of ms ≥ 0, got ${String(value)}`)
  }
  return value
}

/**
 * Checks a positive integer option.
 * @throws InvalidArgumentError otherwise
 */
export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`"${name}" expected a positive integer, got ${String(value)}`)
  }
  return value
}
