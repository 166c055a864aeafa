import {
  mkdir,
  mkdtemp,
  readFile as readLocal,
  realpath,
  rm,
  symlink,
  writeFile as writeLocal,
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeFileReadArgs, ReservedFunction } from '@pavillion/wire'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { serveFiles } from '../src/files/index.ts'
import { resolveInside } from '../src/files/safe-path.ts'
import { MAX_FILE_READ, RemoteError, RpcClient, RpcError, RpcServer } from '../src/index.ts'
import { bytes, createUdpHarness, text, type UdpHarness } from './support/udp.ts'

let base: string // holds root/ and outside/
let root: string
let outside: string

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'pavillion-rpc-'))
  root = join(base, 'served')
  outside = join(base, 'outside')
  await mkdir(join(root, 'sub'), { recursive: true })
  await mkdir(outside)
  await writeLocal(join(root, 'hello.txt'), 'hello')
  await writeLocal(join(outside, 'secret.txt'), 'secret')
  await symlink(join(outside, 'secret.txt'), join(root, 'secret-link'))
  await symlink(outside, join(root, 'outside-dir'))
  await symlink(join(root, 'hello.txt'), join(root, 'inner-link'))
})
afterEach(async () => {
  await rm(base, { recursive: true, force: true })
})

/** The status `promise` rejects with. */
async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RpcError || error instanceof RemoteError) return error.status
    throw error
  }
  throw new Error('expected a rejection')
}

describe('resolveInside', () => {
  it('maps relative paths inside the root, following symlinks that stay inside', async () => {
    const real = await resolveInside(await realRoot(), 'hello.txt', 'follow')
    expect(real.endsWith('/served/hello.txt')).toBe(true)
    expect(await resolveInside(await realRoot(), 'inner-link', 'follow')).toBe(real)
    expect(await resolveInside(await realRoot(), './sub/', 'follow')).toMatch(/\/served\/sub$/)
    expect(await resolveInside(await realRoot(), 'sub/new.txt', 'entry')).toMatch(/\/served\/sub\/new\.txt$/)
  })

  it.each([
    ['../outside/secret.txt', 'follow', 3],
    ['sub/../hello.txt', 'follow', 3],
    ['/etc/passwd', 'follow', 3],
    ['\\etc\\passwd', 'follow', 3],
    ['hello\0.txt', 'follow', 3],
    ['secret-link', 'follow', 3],
    ['outside-dir/secret.txt', 'follow', 3],
    ['outside-dir/new.txt', 'entry', 3],
    ['', 'entry', 3],
    ['missing.txt', 'follow', 4],
    ['missing-dir/new.txt', 'entry', 4],
    ['hello.txt/x', 'follow', 4],
  ] as const)('refuses %j (%s) with status %d', async (path, mode, status) => {
    expect(await statusOf(resolveInside(await realRoot(), path, mode))).toBe(status)
  })
})

describe('file service over real UDP', () => {
  let h: UdpHarness
  beforeAll(async () => {
    h = await createUdpHarness()
  })
  afterEach(async () => {
    await h.close()
  })

  async function setup(options: { maxFileSize?: number; readOnly?: boolean } = {}) {
    const { server, port } = await h.server()
    const rpcServer = h.track(new RpcServer(server))
    await serveFiles(rpcServer, { root, ...options })
    const rpc = h.track(new RpcClient(await h.client({ address: '127.0.0.1', port })))
    return { rpc, rpcServer }
  }

  it('writes 1 MB in chunks and reads it back identical, reporting progress', async () => {
    const { rpc } = await setup()
    const data = Uint8Array.from({ length: 1024 * 1024 + 123 }, (_, i) => (i * 31 + (i >> 10)) & 0xff)
    const written: [number, number][] = []
    await rpc.writeFile('sub/big.bin', data, { onProgress: (done, total) => written.push([done, total]) })
    expect(written).toHaveLength(1025)
    expect(written.at(-1)).toEqual([data.length, data.length])
    expect(written.every(([done], i) => i === 0 || done > written[i - 1]![0])).toBe(true)
    expect(new Uint8Array(await readLocal(join(root, 'sub', 'big.bin')))).toEqual(data)

    let lastRead: [number, number | undefined] = [0, 0]
    const back = await rpc.readFile('sub/big.bin', {
      onProgress: (done, total) => (lastRead = [done, total]),
    })
    expect(back).toEqual(data)
    expect(lastRead).toEqual([data.length, undefined])
  }, 60_000)

  it('truncates on write, reads an empty file, lists and deletes', async () => {
    const { rpc } = await setup()
    await rpc.writeFile('hello.txt', bytes('hi'))
    expect(text(await rpc.readFile('hello.txt'))).toBe('hi')
    await rpc.writeFile('empty.txt', new Uint8Array(0))
    expect(await rpc.readFile('empty.txt')).toEqual(new Uint8Array(0))
    expect(await rpc.listDir('')).toEqual([
      { type: 'file', name: 'empty.txt' },
      { type: 'file', name: 'hello.txt' },
      { type: 'directory', name: 'sub' },
    ])
    await rpc.deleteFile('empty.txt')
    expect(await statusOf(rpc.readFile('empty.txt'))).toBe(4)
    expect(await statusOf(rpc.deleteFile('empty.txt'))).toBe(4)
    await rpc.deleteFile('sub')
    expect(await rpc.listDir('./')).toEqual([{ type: 'file', name: 'hello.txt' }])
  })

  it('refuses every way out of the root and leaves what is outside untouched', async () => {
    const { rpc } = await setup()
    expect(await statusOf(rpc.readFile('../outside/secret.txt'))).toBe(3)
    expect(await statusOf(rpc.readFile('/etc/passwd'))).toBe(3)
    expect(await statusOf(rpc.readFile('secret-link'))).toBe(3)
    expect(await statusOf(rpc.readFile('outside-dir/secret.txt'))).toBe(3)
    expect(await statusOf(rpc.writeFile('outside-dir/planted.txt', bytes('x')))).toBe(3)
    expect(await statusOf(rpc.writeFile('secret-link', bytes('overwritten')))).toBe(3)
    expect(await statusOf(rpc.writeFile('../planted.txt', bytes('x')))).toBe(3)
    expect(await statusOf(rpc.listDir('outside-dir'))).toBe(3)
    expect(await statusOf(rpc.listDir('/'))).toBe(3)
    expect(await statusOf(rpc.deleteFile('../outside/secret.txt'))).toBe(3)
    await rpc.deleteFile('secret-link') // removes the link itself, not its target
    expect(await readLocal(join(outside, 'secret.txt'), 'utf8')).toBe('secret')
    expect(await statusOf(rpc.readFile('missing.txt'))).toBe(4)
    expect(await statusOf(rpc.readFile('sub'))).toBe(3)
    const error = await rpc.readFile('../outside/secret.txt').catch((e: RemoteError) => e)
    expect((error as RemoteError).text).not.toContain(base) // never the server's real paths
  })

  it('names the path and the reason in every refusal the client sees', async () => {
    const { rpc } = await setup()
    const message = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (e: RemoteError) => e.message,
      )
    expect(await message(rpc.writeFile('notes/today.txt', bytes('x')))).toContain(
      "'notes/today.txt' cannot be created: the directory 'notes' does not exist (writes create files, not directories)",
    )
    expect(await message(rpc.readFile('notes/today.txt'))).toContain("'notes/today.txt' does not exist")
    expect(await message(rpc.readFile('hello.txt/x'))).toContain(
      "'hello.txt/x' does not exist: a part of it is a file, not a directory",
    )
    expect(await message(rpc.readFile('sub'))).toContain("'sub' is not a file")
    expect(await message(rpc.readFile('../x'))).toContain("'../x' contains ..")
    expect(await statusOf(rpc.writeFile('notes/today.txt', bytes('x')))).toBe(4)
    await rpc.writeFile('today.txt', bytes('x')) // the shared directory itself always exists
  })

  it('enforces the size limit, caps each read and serves only reads when read-only', async () => {
    const { rpc } = await setup({ maxFileSize: 2000 })
    expect(await statusOf(rpc.writeFile('big.bin', new Uint8Array(2001)))).toBe(3)
    await rpc.writeFile('ok.bin', new Uint8Array(2000).fill(7))
    const chunk = await rpc.call(
      ReservedFunction.FileRead,
      encodeFileReadArgs({ position: 0, maxBytes: 65_535, path: 'ok.bin' }),
    )
    expect(chunk.length).toBe(MAX_FILE_READ)
    const tail = await rpc.call(
      ReservedFunction.FileRead,
      encodeFileReadArgs({ position: 1990, maxBytes: 100, path: 'ok.bin' }),
    )
    expect(tail).toEqual(new Uint8Array(10).fill(7))
    expect(await statusOf(rpc.call(ReservedFunction.FileRead, Uint8Array.of(1, 2)))).toBe(3)

    await h.close()
    const readOnly = await setup({ readOnly: true })
    expect(text(await readOnly.rpc.readFile('hello.txt'))).toBe('hello')
    expect(await statusOf(readOnly.rpc.writeFile('x.txt', bytes('x')))).toBe(2)
  })

  it('pages a long listing and returns every entry once', async () => {
    const { rpc } = await setup()
    const names = Array.from({ length: 150 }, (_, i) => `${String(i).padStart(3, '0')}-${'n'.repeat(60)}`)
    await Promise.all(names.map((name) => writeLocal(join(root, 'sub', name), '')))
    const entries = await rpc.listDir('sub')
    expect(entries.map((e) => e.name)).toEqual(names)
    expect(entries.every((e) => e.type === 'file')).toBe(true)
  })
})

function realRoot(): Promise<string> {
  return realpath(root)
}
