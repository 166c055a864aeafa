import { RpcStatus } from '@pavillion/wire'
import { RpcError } from '../errors.ts'

/**
 * Turns a file-system failure into the error the caller sees: missing → 4,
 * wrong kind of entry → 3, anything else → 1. The text names the client's
 * own path, never the server's real path (Node's messages contain it).
 */
export function fsError(error: unknown, path: string): RpcError {
  if (error instanceof RpcError) return error
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new RpcError(RpcStatus.NonexistentFile, `'${path}' does not exist`)
    case 'EISDIR':
      return new RpcError(RpcStatus.BadInput, `'${path}' is a directory`)
    case 'ELOOP':
      return new RpcError(RpcStatus.BadInput, `'${path}' is a symbolic link`)
    case 'ENOTEMPTY':
      return new RpcError(RpcStatus.BadInput, `'${path}' is a directory that is not empty`)
    case 'EACCES':
    case 'EPERM':
      return new RpcError(RpcStatus.Error, `'${path}': permission denied`)
    default:
      return new RpcError(
        RpcStatus.Error,
        `'${path}': ${typeof code === 'string' ? code : 'file operation failed'}`,
      )
  }
}
