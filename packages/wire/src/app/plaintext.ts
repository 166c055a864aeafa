import { MAX_PLAINTEXT_SIZE } from '../constants.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'
import { allocateBytes } from '../slab.ts'

/**
 * Rejects a plaintext (opcode ‖ payload) of `size` bytes that could not be sent.
 *
 * @throws InvalidArgumentError when `size` exceeds {@link MAX_PLAINTEXT_SIZE}
 */
export function checkPlaintextSize(size: number): void {
  if (size > MAX_PLAINTEXT_SIZE)
    throw new InvalidArgumentError(
      `message of ${size} plaintext bytes exceeds the ${MAX_PLAINTEXT_SIZE}-byte limit`,
    )
}

/**
 * Allocates a plaintext of `1 + payloadSize` bytes with `opcode` written first.
 *
 * @throws InvalidArgumentError when it would exceed {@link MAX_PLAINTEXT_SIZE}
 */
export function newPlaintext(opcode: number, payloadSize: number): Uint8Array {
  checkPlaintextSize(1 + payloadSize)
  const out = allocateBytes(1 + payloadSize)
  out[0] = opcode
  return out
}
