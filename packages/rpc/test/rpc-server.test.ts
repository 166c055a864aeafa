import {
  decodeDescriptorsResult,
  decodeIdentityResult,
  encodeApp,
  encodeWhatIsArgs,
  type RpcResponse,
} from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { MAX_RESULT_SIZE, RpcError, RpcServer, RpcStatus } from '../src/index.ts'
import { CALLER, StubServer } from './support/stubs.ts'

const call = (fn: number, args: Uint8Array = new Uint8Array(0)) => encodeApp({ type: 'rpc-call', fn, args })
const tick = () => new Promise((resolve) => setImmediate(resolve))
const utf8 = (text: string) => new TextEncoder().encode(text)
const responses = (host: StubServer) => host.responses() as RpcResponse[]

function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void
  const wait = new Promise<void>((resolve) => {
    open = resolve
  })
  return { wait, open }
}

describe('RpcServer at-most-once bookkeeping', () => {
  it('answers a duplicate that arrives while the call runs once, when it finishes; later ones from the cache', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    const { wait, open } = gate()
    let runs = 0
    rpc.handle(7000, async (args) => {
      runs++
      await wait
      return args
    })
    host.deliver(call(7000, utf8('x')), 5n)
    host.deliver(call(7000, utf8('x')), 5n, { duplicate: true })
    await tick()
    expect(host.sent).toHaveLength(0)
    open()
    await tick()
    host.deliver(call(7000, utf8('x')), 5n, { duplicate: true })
    await tick()
    expect(runs).toBe(1)
    expect(host.sent).toHaveLength(2)
    expect(host.sent[1]!.plaintext).toEqual(host.sent[0]!.plaintext)
    expect(responses(host)[0]).toMatchObject({ callCounter: 5n, status: 0, data: utf8('x') })
    expect(rpc.stats()).toEqual({ calls: 3, executions: 1, duplicates: 2, expired: 0, busy: 0 })
  })

  it('runs a fresh call again when the same counter comes with other arguments or from another client', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    let runs = 0
    rpc.handle(7001, (args) => {
      runs++
      return args
    })
    host.deliver(call(7001, utf8('a')), 9n)
    host.deliver(call(7001, utf8('b')), 9n) // a new instance of the client reusing the counter
    host.deliver(call(7001, utf8('b')), 9n, { peer: { ...CALLER, key: '127.0.0.3:1' } })
    await tick()
    expect(runs).toBe(3)
    expect(responses(host).map((r) => new TextDecoder().decode(r.data))).toEqual(['a', 'b', 'b'])
  })

  it('keeps the newest responses when full, and refuses nothing while some are finished', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host, { cacheEntries: 2 })
    let runs = 0
    rpc.handle(7002, (args) => {
      runs++
      return args
    })
    host.deliver(call(7002, utf8('a')), 1n)
    host.deliver(call(7002, utf8('b')), 2n)
    await tick()
    host.deliver(call(7002, utf8('a')), 1n, { duplicate: true }) // answered from the cache
    host.deliver(call(7002, utf8('c')), 3n) // evicts a, the oldest
    await tick()
    host.deliver(call(7002, utf8('b')), 2n, { duplicate: true })
    host.deliver(call(7002, utf8('a')), 1n, { duplicate: true })
    await tick()
    expect(runs).toBe(3)
    const statuses = responses(host).map((r) => [r.callCounter, r.status])
    expect(statuses).toEqual([
      [1n, 0],
      [2n, 0],
      [1n, 0],
      [3n, 0],
      [2n, 0],
      [1n, 1], // expired: never run twice
    ])
    expect(rpc.stats()).toMatchObject({ expired: 1, duplicates: 2, busy: 0 })
  })

  it('forgets responses after cacheTtl', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host, { cacheTtl: 1000 })
    rpc.handle(7003, (args) => args)
    host.deliver(call(7003, utf8('a')), 1n)
    await tick()
    host.time = 999
    host.deliver(call(7003, utf8('a')), 1n, { duplicate: true })
    host.time = 1000
    host.deliver(call(7003, utf8('a')), 1n, { duplicate: true })
    await tick()
    expect(responses(host).map((r) => r.status)).toEqual([0, 0, 1])
  })

  it('aborts running handlers, sends nothing more and ignores calls once closed', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    let signal: AbortSignal | undefined
    const { wait, open } = gate()
    rpc.handle(7004, async (_args, context) => {
      signal = context.signal
      await wait
      return utf8('late')
    })
    host.deliver(call(7004), 1n)
    await tick()
    rpc.close()
    expect(signal?.aborted).toBe(true)
    open()
    host.deliver(call(7004), 2n)
    await tick()
    expect(host.sent).toHaveLength(0)
    expect(() => new RpcServer(host)).not.toThrow() // the opcode is free again
  })

  it('closes with its core server', () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    host.close()
    expect(rpc.closed).toBe(true)
  })
})

describe('RpcServer error mapping', () => {
  it('sends only the message, cut to what a response carries, unless debug is on', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    rpc.handle(1, () => {
      throw new Error('line one\nline two')
    })
    rpc.handle(2, () => {
      throw new RpcError(9000, 'é'.repeat(MAX_RESULT_SIZE))
    })
    rpc.handle(3, () => {
      throw 'a string' // not an Error: a generic text
    })
    rpc.handle(4, () => new Uint8Array(MAX_RESULT_SIZE + 1))
    rpc.handle(5, () => new Uint8Array(MAX_RESULT_SIZE))
    for (const fn of [1, 2, 3, 4, 5]) host.deliver(call(fn), BigInt(fn))
    await tick()
    const byCounter = new Map(responses(host).map((r) => [r.callCounter, r]))
    const text = (n: bigint) => new TextDecoder('utf-8', { fatal: true }).decode(byCounter.get(n)!.data)
    expect([byCounter.get(1n)?.status, text(1n)]).toEqual([1, 'line one\nline two'])
    expect(byCounter.get(2n)?.status).toBe(9000)
    expect(byCounter.get(2n)!.data.length).toBeLessThanOrEqual(MAX_RESULT_SIZE)
    expect(text(2n)).toBe('é'.repeat(Math.floor(MAX_RESULT_SIZE / 2))) // cut at a character boundary
    expect([byCounter.get(3n)?.status, text(3n)]).toEqual([1, 'the handler failed'])
    expect([byCounter.get(4n)?.status, text(4n)]).toEqual([
      1,
      `function 4 returned ${MAX_RESULT_SIZE + 1} bytes; a response carries at most ${MAX_RESULT_SIZE}`,
    ])
    expect([byCounter.get(5n)?.status, byCounter.get(5n)?.data.length]).toEqual([0, MAX_RESULT_SIZE])
  })
})

describe('reserved functions', () => {
  it('answers what-is, descriptors, status and identity', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    rpc.handle(401, (args) => args, { name: 'echo401', arguments: 'any bytes' })
    rpc.handle(402, () => undefined)
    const identity = {
      vendorUuid: new Uint8Array(16).fill(1),
      productId: new Uint8Array(16).fill(2),
      serial: new Uint8Array(16).fill(3),
      name: 'Gizmo',
    }
    rpc.enableReserved({
      echo: true,
      whatIs: true,
      descriptors: true,
      identity,
      status: async () => ['ok', 'temp 21'],
    })
    host.deliver(call(1, encodeWhatIsArgs(401)), 1n)
    host.deliver(call(1, encodeWhatIsArgs(402)), 2n)
    host.deliver(call(1, encodeWhatIsArgs(0)), 3n)
    host.deliver(call(1, Uint8Array.of(1)), 4n)
    host.deliver(call(8), 5n)
    host.deliver(call(6), 6n)
    host.deliver(call(7), 7n)
    await tick()
    const byCounter = new Map(responses(host).map((r) => [r.callCounter, r]))
    const text = (n: bigint) => new TextDecoder().decode(byCounter.get(n)!.data)
    expect([text(1n), text(2n), text(3n)]).toEqual(['echo401', '', 'core.echo'])
    expect(byCounter.get(4n)?.status).toBe(RpcStatus.BadInput)
    expect(decodeDescriptorsResult(byCounter.get(5n)!.data)).toEqual([
      { name: 'core.echo', arguments: 'bytes' },
      { name: 'core.whatIs', arguments: 'u16 function' },
      { name: 'core.status', arguments: '' },
      { name: 'core.identity', arguments: '' },
      { name: 'core.descriptors', arguments: '' },
      { name: 'echo401', arguments: 'any bytes' },
    ])
    expect(text(6n)).toBe('ok\ntemp 21')
    expect(decodeIdentityResult(byCounter.get(7n)!.data)).toEqual(identity)
  })

  it('registers all or none, and removes what it registered', async () => {
    const host = new StubServer()
    const rpc = new RpcServer(host)
    const removeMine = rpc.handle(8, () => undefined)
    expect(() => rpc.enableReserved({ echo: true, descriptors: true })).toThrow(
      /function 8 already has a handler/,
    )
    removeMine()
    const remove = rpc.enableReserved({ echo: true, descriptors: true })
    remove()
    host.deliver(call(0), 1n)
    await tick()
    expect(responses(host)[0]?.status).toBe(RpcStatus.NonexistentFunction)
    expect(() => rpc.enableReserved({ identity: { vendorUuid: new Uint8Array(3) } as never })).toThrow()
  })
})
