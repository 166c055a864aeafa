import { opendir } from 'node:fs/promises'
import type { FileEntry } from '@pavillion/wire'
import { MAX_FILE_READ } from '../limits.ts'

/** Most entries of one directory a listing considers (the start index is a u16). */
const MAX_LISTED_ENTRIES = 0xffff

const encoder = new TextEncoder()

/**
 * The files and directories of `dir` (other kinds, symlinks included, are
 * left out), sorted by name so that paging by index is stable. Reads at most
 * {@link MAX_LISTED_ENTRIES} entries.
 */
export async function listEntries(dir: string): Promise<FileEntry[]> {
  const entries: FileEntry[] = []
  const handle = await opendir(dir)
  try {
    for (let dirent = await handle.read(); dirent !== null; dirent = await handle.read()) {
      if (dirent.isFile()) entries.push({ type: 'file', name: dirent.name })
      else if (dirent.isDirectory()) entries.push({ type: 'directory', name: dirent.name })
      if (entries.length >= MAX_LISTED_ENTRIES) break
    }
  } finally {
    await handle.close()
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/**
 * The entries from index `start` that fit one response of at most
 * {@link MAX_FILE_READ} bytes (type byte, name, NUL separator each); always at
 * least one when any is left, so a client paging by index makes progress.
 */
export function pageOf(entries: readonly FileEntry[], start: number): FileEntry[] {
  const page: FileEntry[] = []
  let size = 0
  for (const entry of entries.slice(start)) {
    const cost = 2 + encoder.encode(entry.name).length
    if (page.length > 0 && size + cost > MAX_FILE_READ + 1) break
    page.push(entry)
    size += cost
  }
  return page
}
