import { RpcStatus } from '@pavillion/wire'
import { RpcError } from '../errors.ts'

/**
 * Turns a file-system failure into the error the caller sees: missing → 4,
 * wrong kind of entry → 3, anything else → 1. The text names the client's
 * own path and the reason, never the server's real path (Node's messages
 * contain it).
 */
export function fsError(error: unknown, path: string): RpcError {
  if (error instanceof RpcError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return new RpcError(RpcStatus.NonexistentFile, `'${path}' does not exist`)
    case 'ENOTDIR':
      return new RpcError(
        RpcStatus.NonexistentFile,
        `'${path}' does not exist: a part of it is a file, not a directory`,
      )
    case 'EISDIR':
      return new RpcError(RpcStatus.BadInput, `'${path}' is a directory`)
    case 'ELOOP':
      return new RpcError(RpcStatus.BadInput, `'${path}' is a symbolic link`)
    case 'ENOTEMPTY':
      return new RpcError(RpcStatus.BadInput, `'${path}' is a directory that is not empty`)
    case 'EACCES':
    case 'EPERM':
      return new RpcError(RpcStatus.Error, `'${path}': permission denied on the server`)
    case 'ENOSPC':
    case 'EDQUOT':
      return new RpcError(RpcStatus.Error, `'${path}': no space left on the server's disk`)
    case 'EROFS':
      return new RpcError(RpcStatus.Error, `'${path}': the server's file system is read-only`)
    case 'EMFILE':
    case 'ENFILE':
      return new RpcError(RpcStatus.Error, `'${path}': the server has too many open files`)
    default:
      return new RpcError(
        RpcStatus.Error,
        `'${path}': the file operation failed on the server (${typeof code === 'string' ? code : 'no error code'})`,
      )
  }
}

/**
 * The error of a write (or delete) whose directory is missing: status 4,
 * naming the directory — writes create files, never directories.
 */
export function missingDirectory(path: string, directory: string): RpcError {
  return new RpcError(
    RpcStatus.NonexistentFile,
    `'${path}' cannot be created: the directory '${directory}' does not exist (writes create files, not directories)`,
  )
}
