import type { AbortOptions } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { checkFunctionNumber } from './function-registry.ts'
import { MAX_ARGS_SIZE } from './limits.ts'

/** Options of one remote call. */
export interface CallOptions extends AbortOptions {
  /**
   * Give up after this many ms (the engine retransmits the identical call
   * meanwhile, paced by its RTT estimate). Default: the client's `timeout`.
   */
  readonly timeout?: number
}

/**
 * Checks a timeout option.
 * @throws InvalidArgumentError unless it is a finite number ≥ 0
 */
export function checkTimeout(timeout: unknown): number {
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new InvalidArgumentError(`"timeout" expected a finite number of ms ≥ 0, got ${String(timeout)}`)
  }
  return timeout
}

/**
 * The plaintext of a call to `fn` with `args`.
 * @throws InvalidArgumentError for a bad function number or arguments too large for a datagram;
 *   or when `args` is not a Uint8Array
 */
export function encodeCall(fn: number, args: Uint8Array): Uint8Array {
  checkFunctionNumber(fn)
  if (!(args instanceof Uint8Array))
    throw new InvalidArgumentError(`"args" expected a Uint8Array, got ${typeof args}`)
  if (args.length > MAX_ARGS_SIZE) {
    throw new InvalidArgumentError(
      `"args" expected at most ${MAX_ARGS_SIZE} bytes, got length=${args.length}`,
    )
  }
  return encodeApp({ type: 'rpc-call', fn, args })
}
