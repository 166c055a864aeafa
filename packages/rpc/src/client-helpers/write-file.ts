import { InvalidArgumentError } from '@pavillion/core'
import { encodeFileWriteArgs, ReservedFunction } from '@pavillion/wire'
import type { CallOptions } from '../call-options.ts'
import { FILE_CHUNK } from '../limits.ts'
import type { Caller } from './caller.ts'

/** Largest file a u32 position can address. */
const MAX_SIZE = 0xffff_ffff

/** Options of `writeFile`; `timeout` applies to each chunk's call. */
export interface WriteFileOptions extends CallOptions {
  /** Called after each chunk with the bytes written so far and the total. */
  readonly onProgress?: (done: number, total: number) => void
}

/**
 * Writes `data` to `path` in chunks of 1024 bytes: the first with file write
 * (11, truncates), the others with write-into (12), as the reference client does.
 * @throws InvalidArgumentError when `data` is larger than 2^32 − 1 bytes
 */
export async function writeFile(
  caller: Caller,
  path: string,
  data: Uint8Array,
  options: WriteFileOptions = {},
): Promise<void> {
  if (!(data instanceof Uint8Array))
    throw new InvalidArgumentError(`"data" expected a Uint8Array, got ${typeof data}`)
  if (data.length > MAX_SIZE)
    throw new InvalidArgumentError(`"data" expected at most ${MAX_SIZE} bytes, got ${data.length}`)
  let position = 0
  do {
    const chunk = data.subarray(position, position + FILE_CHUNK)
    const fn = position === 0 ? ReservedFunction.FileWrite : ReservedFunction.FileWriteInto
    await caller.call(fn, encodeFileWriteArgs({ position, data: chunk, path }), options)
    position += chunk.length
    options.onProgress?.(position, data.length)
  } while (position < data.length)
}
