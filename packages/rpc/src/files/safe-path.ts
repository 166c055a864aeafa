import { realpath } from 'node:fs/promises'
import { basename, dirname, isAbsolute, resolve, sep } from 'node:path'
import { RpcStatus } from '@pavillion/wire'
import { RpcError } from '../errors.ts'
import { fsError, missingDirectory } from './fs-error.ts'

/**
 * How the final component of a path is treated: `follow` resolves it (and
 * every symlink on the way) and checks the result is inside the root; `entry`
 * resolves only its parent, so the entry itself (which may not exist yet, or
 * be a symlink) is named, never followed.
 */
export type PathMode = 'follow' | 'entry'

/**
 * Maps a client's path to a real path inside `root` (itself a real path), or
 * refuses it with status 3: absolute paths, `..` segments, NUL, and symlinks
 * that lead outside the root. A missing file or parent is status 4.
 *
 * Paths are checked before use, so a symlink swapped in between check and use
 * could still be followed: callers open with `O_NOFOLLOW`, which closes that
 * window for the final component.
 */
export async function resolveInside(root: string, requested: string, mode: PathMode): Promise<string> {
  if (requested.includes('\0')) throw refused(requested, 'contains NUL')
  if (isAbsolute(requested) || requested.startsWith('/') || requested.startsWith('\\')) {
    throw refused(requested, 'is absolute; paths are relative to the shared directory')
  }
  if (requested.split(/[/\\]/).includes('..')) throw refused(requested, 'contains ..')
  const lexical = resolve(root, requested)
  if (!isInside(root, lexical)) throw refused(requested, 'leaves the shared directory')
  if (mode === 'entry') {
    if (lexical === root) throw refused(requested, 'names the shared directory itself')
    const parent = await real(dirname(lexical), requested, dirname(requested))
    if (!isInside(root, parent)) throw refused(requested, 'leads outside the shared directory')
    return resolve(parent, basename(lexical))
  }
  const target = await real(lexical, requested)
  if (!isInside(root, target)) throw refused(requested, 'leads outside the shared directory')
  return target
}

/** True when `path` is `root` or below it. */
function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/** The real path of `path`; when `directory` (the client's name for it) is given, its absence is named. */
async function real(path: string, requested: string, directory?: string): Promise<string> {
  try {
    return await realpath(path)
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
    throw missing && directory !== undefined
      ? missingDirectory(requested, directory)
      : fsError(error, requested)
  }
}

function refused(requested: string, why: string): RpcError {
  return new RpcError(RpcStatus.BadInput, `'${requested}' ${why}`)
}
