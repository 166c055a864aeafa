import { constants, lstat, open, realpath, rmdir, stat, unlink } from 'node:fs/promises'
import { InvalidArgumentError } from '@pavillion/core'
import {
  decodeFileDeleteArgs,
  decodeFileListArgs,
  decodeFileReadArgs,
  decodeFileWriteArgs,
  encodeFileListResult,
  ReservedFunction,
  RpcStatus,
  WireDecodeError,
} from '@pavillion/wire'
import { RpcError } from '../errors.ts'
import type { HandleOptions, RpcHandler } from '../handler.ts'
import { DEFAULT_MAX_FILE_SIZE, MAX_FILE_READ } from '../limits.ts'
import { fsError } from './fs-error.ts'
import { listEntries, pageOf } from './list-page.ts'
import { resolveInside } from './safe-path.ts'

/** Options of `serveFiles`. */
export interface FileServiceOptions {
  /** The directory shared; every path is relative to it and may not leave it. */
  readonly root: string
  /** Largest file a write may produce, bytes. Default 16 MiB. */
  readonly maxFileSize?: number
  /** Serve only read (10) and list (14). Default false. */
  readonly readOnly?: boolean
}

/** Where handlers are registered: an `RpcServer`. */
export interface FunctionHost {
  handle(fn: number, handler: RpcHandler, options?: HandleOptions): () => void
}

// Never block on a FIFO or device swapped in; never follow a symlink at the last component.
const SAFE_OPEN = (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0)
const EMPTY = new Uint8Array(0)

/**
 * Serves the file functions of PROTOCOL.md §12 from the directory `root`:
 * read (10), write (11, truncates), write-into (12), delete (13) and list
 * (14). Resolves with the remover of all of them.
 *
 * - Paths are relative to `root`; absolute paths, `..` and symlinks leading
 *   outside are refused with status 3, missing files answer status 4.
 * - A read returns at most 1354 bytes (its response datagram stays ≤ 1400),
 *   fewer when asked; a list page is bounded the same way.
 * - Writes may not make a file larger than `maxFileSize` (status 3).
 *
 * @throws InvalidArgumentError when `root` is not a directory or a file function already has a handler
 */
export async function serveFiles(rpc: FunctionHost, options: FileServiceOptions): Promise<() => void> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE
  if (!Number.isInteger(maxFileSize) || maxFileSize < 0) {
    throw new InvalidArgumentError(`"maxFileSize" expected an integer ≥ 0, got ${String(maxFileSize)}`)
  }
  const root = await realpath(options.root)
  if (!(await stat(root)).isDirectory())
    throw new InvalidArgumentError(`"root" ${options.root} is not a directory`)
  const specs: [number, RpcHandler, HandleOptions][] = [
    [
      ReservedFunction.FileRead,
      (args) => read(root, args),
      { name: 'core.file.read', arguments: 'u32 position, u16 max bytes, path' },
    ],
    [
      ReservedFunction.FileList,
      (args) => list(root, args),
      { name: 'core.file.list', arguments: 'u16 start, path/' },
    ],
  ]
  if (options.readOnly !== true) {
    const args = 'u32 position, u16 length, data, path'
    specs.push(
      [
        ReservedFunction.FileWrite,
        (a) => write(root, a, true, maxFileSize),
        { name: 'core.file.write', arguments: args },
      ],
      [
        ReservedFunction.FileWriteInto,
        (a) => write(root, a, false, maxFileSize),
        { name: 'core.file.writeInto', arguments: args },
      ],
      [ReservedFunction.FileDelete, (a) => remove(root, a), { name: 'core.file.delete', arguments: 'path' }],
    )
  }
  const removers: (() => void)[] = []
  try {
    for (const [fn, handler, info] of specs) removers.push(rpc.handle(fn, handler, info))
  } catch (error) {
    for (const remover of removers) remover()
    throw error
  }
  return () => {
    for (const remover of removers) remover()
  }
}

async function read(root: string, args: Uint8Array): Promise<Uint8Array> {
  const { position, maxBytes, path } = decoded(decodeFileReadArgs, args)
  try {
    const real = await resolveInside(root, path, 'follow')
    if (!(await stat(real)).isFile()) throw new RpcError(RpcStatus.BadInput, `'${path}' is not a file`)
    const handle = await open(real, constants.O_RDONLY | SAFE_OPEN)
    try {
      const buffer = new Uint8Array(Math.min(maxBytes, MAX_FILE_READ))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      return buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    throw fsError(error, path)
  }
}

async function write(
  root: string,
  args: Uint8Array,
  truncate: boolean,
  maxFileSize: number,
): Promise<Uint8Array> {
  const { position, data, path } = decoded(decodeFileWriteArgs, args)
  if (position + data.length > maxFileSize) {
    throw new RpcError(RpcStatus.BadInput, `'${path}' would exceed the ${maxFileSize}-byte file size limit`)
  }
  try {
    const real = await resolveInside(root, path, 'entry')
    const flags = constants.O_WRONLY | constants.O_CREAT | SAFE_OPEN | (truncate ? constants.O_TRUNC : 0)
    const handle = await open(real, flags, 0o644)
    try {
      if (!(await handle.stat()).isFile()) throw new RpcError(RpcStatus.BadInput, `'${path}' is not a file`)
      await handle.write(data, 0, data.length, position)
    } finally {
      await handle.close()
    }
    return EMPTY
  } catch (error) {
    throw fsError(error, path)
  }
}

async function remove(root: string, args: Uint8Array): Promise<Uint8Array> {
  const path = decoded(decodeFileDeleteArgs, args)
  try {
    // The entry itself: deleting a symlink removes the link, never what it points to.
    const real = await resolveInside(root, path, 'entry')
    if ((await lstat(real)).isDirectory()) await rmdir(real)
    else await unlink(real)
    return EMPTY
  } catch (error) {
    throw fsError(error, path)
  }
}

async function list(root: string, args: Uint8Array): Promise<Uint8Array> {
  const { start, path } = decoded(decodeFileListArgs, args)
  try {
    const real = await resolveInside(root, path, 'follow')
    return encodeFileListResult(pageOf(await listEntries(real), start))
  } catch (error) {
    throw fsError(error, path)
  }
}

/** Decodes arguments; malformed ones are status 3. */
function decoded<T>(decode: (bytes: Uint8Array) => T, args: Uint8Array): T {
  try {
    return decode(args)
  } catch (error) {
    if (error instanceof WireDecodeError)
      throw new RpcError(RpcStatus.BadInput, `malformed arguments: ${error.message}`)
    throw error
  }
}
