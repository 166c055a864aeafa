import {
  decodeFileListResult,
  encodeFileDeleteArgs,
  encodeFileListArgs,
  type FileEntry,
  ReservedFunction,
} from '@pavillion/wire'
import type { CallOptions } from '../call-options.ts'
import type { Caller } from './caller.ts'

/** Most entries a listing can page through (the start index is a u16). */
const MAX_ENTRIES = 0xffff

/**
 * Lists directory `path` (file list, 14; a trailing `/` is added, `''` is the
 * root). Pages from the start index until a page brings nothing new, so a
 * server that ignores the index costs one extra call, never a loop.
 */
export async function listDir(caller: Caller, path: string, options?: CallOptions): Promise<FileEntry[]> {
  const dir = path === '' ? './' : path.endsWith('/') ? path : `${path}/`
  const entries: FileEntry[] = []
  const seen = new Set<string>()
  while (entries.length < MAX_ENTRIES) {
    const args = encodeFileListArgs({ start: entries.length, path: dir })
    const page = decodeFileListResult(await caller.call(ReservedFunction.FileList, args, options))
    const fresh = page.filter((entry) => !seen.has(`${entry.type}/${entry.name}`))
    if (fresh.length === 0) break
    for (const entry of fresh.slice(0, MAX_ENTRIES - entries.length)) {
      seen.add(`${entry.type}/${entry.name}`)
      entries.push(entry)
    }
  }
  return entries
}

/** Deletes `path` (file delete, 13). */
export async function deleteFile(caller: Caller, path: string, options?: CallOptions): Promise<void> {
  await caller.call(ReservedFunction.FileDelete, encodeFileDeleteArgs(path), options)
}
