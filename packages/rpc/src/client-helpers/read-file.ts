import { InvalidArgumentError } from '@pavillion/core'
import { encodeFileReadArgs, ReservedFunction } from '@pavillion/wire'
import type { CallOptions } from '../call-options.ts'
import { DEFAULT_MAX_FILE_SIZE, FILE_CHUNK } from '../limits.ts'
import type { Caller } from './caller.ts'

/** Largest file position (u32). */
const MAX_POSITION = 0xffff_ffff

/** Options of `readFile`; `timeout` applies to each chunk's call. */
export interface ReadFileOptions extends CallOptions {
  /** Called after each chunk with the bytes read so far (`total` is unknown: undefined). */
  readonly onProgress?: (done: number, total: number | undefined) => void
  /** Refuse files larger than this many bytes (rejects with InvalidArgumentError). Default 16 MiB; at most 2^32 − 1. */
  readonly maxSize?: number
}

/** Reads `path` chunk by chunk (file read, 10) until the server returns an empty chunk, as the reference client does. */
export async function readFile(
  caller: Caller,
  path: string,
  options: ReadFileOptions = {},
): Promise<Uint8Array> {
  const maxSize = options.maxSize ?? DEFAULT_MAX_FILE_SIZE
  if (!Number.isInteger(maxSize) || maxSize < 0 || maxSize > MAX_POSITION) {
    throw new InvalidArgumentError(
      `"maxSize" expected an integer in 0–${MAX_POSITION}, got ${String(maxSize)}`,
    )
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const args = encodeFileReadArgs({ position: size, maxBytes: FILE_CHUNK, path })
    const chunk = await caller.call(ReservedFunction.FileRead, args, options)
    if (chunk.length === 0) break
    size += chunk.length
    if (size > maxSize) throw new InvalidArgumentError(`'${path}' is larger than maxSize (${maxSize} bytes)`)
    chunks.push(chunk)
    options.onProgress?.(size, undefined)
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}
