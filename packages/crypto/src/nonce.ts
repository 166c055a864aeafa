import { assertBigInt } from './check.ts'
import { COUNTER_MAX, NONCE_LENGTH } from './constants.ts'

/** The counter occupies the last 8 bytes of the nonce. */
const COUNTER_OFFSET = NONCE_LENGTH - 8

/** Counters of secure messages: 0 is reserved for setup messages (PROTOCOL.md §8.1). */
export const MESSAGE_COUNTER_RANGE = { min: 1n, max: COUNTER_MAX } as const

/** Whether `value` is a counter a secure message can carry: a bigint in [1, 2^64 - 1]. */
export function isMessageCounter(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= MESSAGE_COUNTER_RANGE.min && value <= MESSAGE_COUNTER_RANGE.max
}

/**
 * The counter nonce N(c) = 16 zero bytes ‖ u64le(c) (PROTOCOL.md §4.2), as a new array.
 *
 * @throws InvalidArgumentError when `counter` is not a bigint
 * @throws InvalidArgumentError when it is outside [0, 2^64 - 1]
 */
export function counterNonce(counter: bigint): Uint8Array {
  assertBigInt('counter', counter, { min: 0n, max: COUNTER_MAX })
  const nonce = new Uint8Array(NONCE_LENGTH)
  new DataView(nonce.buffer).setBigUint64(COUNTER_OFFSET, counter, true)
  return nonce
}

/**
 * A writer of counter nonces into one reusable scratch array (no allocation per packet).
 * Every call overwrites and returns the same array, so its result must be consumed at once
 * (libsodium copies it) and never kept. The caller validates the counter.
 */
export function nonceWriter(): (counter: bigint) => Uint8Array {
  const nonce = new Uint8Array(NONCE_LENGTH)
  const view = new DataView(nonce.buffer)
  return (counter) => {
    view.setBigUint64(COUNTER_OFFSET, counter, true)
    return nonce
  }
}
