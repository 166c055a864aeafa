import { InvalidArgumentError } from '@pavillion/core'
import {
  decodeFileListArgs,
  decodeFileReadArgs,
  decodeFileWriteArgs,
  encodeFileListResult,
  ReservedFunction,
} from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import type { Caller } from '../src/client-helpers/caller.ts'
import { listDir } from '../src/client-helpers/directory.ts'
import { readFile } from '../src/client-helpers/read-file.ts'
import { writeFile } from '../src/client-helpers/write-file.ts'

/** A caller answering with `answer` and recording every call. */
function fakeCaller(answer: (fn: number, args: Uint8Array) => Uint8Array) {
  const calls: { fn: number; args: Uint8Array }[] = []
  const caller: Caller = {
    call: async (fn, args = new Uint8Array(0)) => {
      calls.push({ fn, args })
      return answer(fn, args)
    },
  }
  return { caller, calls }
}

describe('file helpers', () => {
  it('writes the first chunk with truncation and the rest into the file, 1024 bytes at a time', async () => {
    const { caller, calls } = fakeCaller(() => new Uint8Array(0))
    await writeFile(caller, 'f', new Uint8Array(2500))
    expect(
      calls.map(({ fn, args }) => [
        fn,
        decodeFileWriteArgs(args).position,
        decodeFileWriteArgs(args).data.length,
      ]),
    ).toEqual([
      [ReservedFunction.FileWrite, 0, 1024],
      [ReservedFunction.FileWriteInto, 1024, 1024],
      [ReservedFunction.FileWriteInto, 2048, 452],
    ])
  })

  it('reads 1024 bytes at a time until an empty chunk, and refuses files over maxSize', async () => {
    const file = new Uint8Array(3000).map((_, i) => i & 0xff)
    const { caller, calls } = fakeCaller((_, args) => {
      const { position, maxBytes } = decodeFileReadArgs(args)
      return file.subarray(position, position + maxBytes)
    })
    expect(await readFile(caller, 'f')).toEqual(file)
    expect(calls.map(({ args }) => decodeFileReadArgs(args))).toEqual([
      { position: 0, maxBytes: 1024, path: 'f' },
      { position: 1024, maxBytes: 1024, path: 'f' },
      { position: 2048, maxBytes: 1024, path: 'f' },
      { position: 3000, maxBytes: 1024, path: 'f' },
    ])
    await expect(readFile(caller, 'f', { maxSize: 2999 })).rejects.toThrow(/larger than maxSize/)
    await expect(readFile(caller, 'f', { maxSize: -1 })).rejects.toThrow(InvalidArgumentError)
  })

  it('lists from the root as ./, pages by index and stops when a server ignores the index', async () => {
    const page = encodeFileListResult([
      { type: 'file', name: 'a' },
      { type: 'directory', name: 'b' },
    ])
    const { caller, calls } = fakeCaller(() => page) // always the same page
    expect(await listDir(caller, '')).toEqual([
      { type: 'file', name: 'a' },
      { type: 'directory', name: 'b' },
    ])
    expect(calls.map(({ args }) => decodeFileListArgs(args))).toEqual([
      { start: 0, path: './' },
      { start: 2, path: './' },
    ])
    await listDir(caller, 'dir')
    expect(decodeFileListArgs(calls.at(-1)!.args).path).toBe('dir/')
  })
})
