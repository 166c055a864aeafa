import { checkBytes, checkString } from '../check.ts'
import { WireDecodeError } from '../errors.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'
import { Reader } from '../reader.ts'
import { decodeUtf8, utf8Bytes } from '../utf8.ts'
import { putU16, putU32 } from '../write.ts'

// File functions (§12): read (10), write (11), write-into (12), delete (13), list (14).
// Paths are UTF-8 and run to the end of the arguments.

/** Arguments of file read (10): up to `maxBytes` bytes of `path` from `position`. */
export type FileReadArgs = { position: number; maxBytes: number; path: string }

/** Encodes file read (10) arguments: u32 position ‖ u16 max bytes ‖ path. */
export function encodeFileReadArgs(args: FileReadArgs): Uint8Array {
  const path = utf8Bytes('path', args.path)
  const out = new Uint8Array(6 + path.length)
  putU16(out, putU32(out, 0, 'position', args.position), 'maxBytes', args.maxBytes)
  out.set(path, 6)
  return out
}

/** Decodes file read (10) arguments. */
export function decodeFileReadArgs(bytes: Uint8Array): FileReadArgs {
  const r = new Reader(bytes)
  return { position: r.u32('position'), maxBytes: r.u16('maxBytes'), path: r.restUtf8() }
}

/**
 * Arguments of file write (11, truncates first) and file write-into (12):
 * `data` (at most 65535 bytes) written to `path` at `position`.
 */
export type FileWriteArgs = { position: number; data: Uint8Array; path: string }

/** Encodes file write (11) / write-into (12) arguments: u32 position ‖ u16 length ‖ data ‖ path (the code's layout, not the docs'). */
export function encodeFileWriteArgs(args: FileWriteArgs): Uint8Array {
  const data = checkBytes('data', args.data)
  if (data.length > 0xffff)
    throw new InvalidArgumentError(`"data" expected at most 65535 bytes, got length=${data.length}`)
  const path = utf8Bytes('path', args.path)
  const out = new Uint8Array(6 + data.length + path.length)
  putU16(out, putU32(out, 0, 'position', args.position), 'length', data.length)
  out.set(data, 6)
  out.set(path, 6 + data.length)
  return out
}

/** Decodes file write (11) / write-into (12) arguments; `data` is a subarray. */
export function decodeFileWriteArgs(bytes: Uint8Array): FileWriteArgs {
  const r = new Reader(bytes)
  const position = r.u32('position')
  return { position, data: r.bytes(r.u16('length'), 'data'), path: r.restUtf8() }
}

/** Encodes file delete (13) arguments: the path. */
export function encodeFileDeleteArgs(path: string): Uint8Array {
  return utf8Bytes('path', path)
}

/** Decodes file delete (13) arguments. */
export function decodeFileDeleteArgs(bytes: Uint8Array): string {
  return new Reader(bytes).restUtf8()
}

/** Arguments of file list (14): entries of directory `path` (ending in `/`) from index `start`. */
export type FileListArgs = { start: number; path: string }

/** Encodes file list (14) arguments: u16 start ‖ path. */
export function encodeFileListArgs(args: FileListArgs): Uint8Array {
  const path = checkString('path', args.path)
  if (!path.endsWith('/')) throw new InvalidArgumentError(`"path" must end with "/", got '${path}'`)
  const bytes = utf8Bytes('path', path)
  const out = new Uint8Array(2 + bytes.length)
  putU16(out, 0, 'start', args.start)
  out.set(bytes, 2)
  return out
}

/** Decodes file list (14) arguments; a path not ending in `/` is `BAD_VALUE`. */
export function decodeFileListArgs(bytes: Uint8Array): FileListArgs {
  const r = new Reader(bytes)
  const start = r.u16('start')
  const path = r.restUtf8()
  if (!path.endsWith('/')) throw new WireDecodeError('BAD_VALUE', 2, 'list path must end with "/"')
  return { start, path }
}

/** One entry of a file list (14) result. */
export type FileEntry = { type: 'file' | 'directory'; name: string }

const FILE = 1
const DIRECTORY = 2

/** Encodes a file list (14) result: `u8 type ‖ name` per entry (1 file, 2 directory), separated by NUL. */
export function encodeFileListResult(entries: readonly FileEntry[]): Uint8Array {
  const names = entries.map((e, i) => {
    if (e.type !== 'file' && e.type !== 'directory')
      throw new InvalidArgumentError(
        `"entries[${i}].type" expected 'file' or 'directory', got '${String(e.type)}'`,
      )
    return utf8Bytes(`entries[${i}].name`, e.name, 0)
  })
  const out = new Uint8Array(names.reduce((n, name) => n + name.length + 2, 0) - Math.min(1, names.length))
  let o = 0
  names.forEach((name, i) => {
    if (i > 0) out[o++] = 0
    out[o++] = entries[i]!.type === 'file' ? FILE : DIRECTORY
    out.set(name, o)
    o += name.length
  })
  return out
}

/**
 * Decodes a file list (14) result. One trailing NUL is tolerated; an empty
 * entry or a type other than 1/2 is `BAD_VALUE`.
 */
export function decodeFileListResult(bytes: Uint8Array): FileEntry[] {
  checkBytes('bytes', bytes)
  const end = bytes[bytes.length - 1] === 0 ? bytes.length - 1 : bytes.length
  const out: FileEntry[] = []
  if (end === 0) return out
  let start = 0
  for (;;) {
    let stop = bytes.indexOf(0, start)
    if (stop < 0) stop = end
    const type = bytes[start]
    if (stop === start || (type !== FILE && type !== DIRECTORY))
      throw new WireDecodeError(
        'BAD_VALUE',
        start,
        'list entry must start with type 1 (file) or 2 (directory)',
      )
    out.push({ type: type === FILE ? 'file' : 'directory', name: decodeUtf8(bytes, start + 1, stop) })
    if (stop === end) return out
    start = stop + 1
  }
}
