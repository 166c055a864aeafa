import { setTimeout as sleep } from 'node:timers/promises'
import { ClosedError, InvalidArgumentError, PavillionError, TimeoutError } from '@pavillion/core'
import { AppOpcode } from '@pavillion/wire'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RemoteError, RpcClient, RpcError, RpcServer, RpcStatus } from '../src/index.ts'
import { bytes, createUdpHarness, text, type UdpHarness } from './support/udp.ts'

let h: UdpHarness
beforeAll(async () => {
  h = await createUdpHarness()
})
afterEach(async () => {
  await h.close()
})

/** A server with an RpcServer, and a connected client with an RpcClient. */
async function pair(options: ConstructorParameters<typeof RpcServer>[1] = {}) {
  const { server, port } = await h.server()
  const rpcServer = h.track(new RpcServer(server, options))
  const client = await h.client({ address: '127.0.0.1', port })
  const rpc = h.track(new RpcClient(client, { timeout: 5000 }))
  return { server, rpcServer, client, rpc }
}

/** Rejection of `promise`, or a failure when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('calls over real UDP on 127.0.0.1', () => {
  it('answers a call made right after the client is created (no wait for the handshake)', async () => {
    const { rpcServer, rpc } = await pair()
    rpcServer.handle(401, (args) => args)
    expect(text(await rpc.call(401, bytes('first'), { timeout: 5000 }))).toBe('first')
  })

  it('echoes through a registered handler and the reserved echo', async () => {
    const { rpcServer, rpc } = await pair()
    rpcServer.handle(401, async (args) => Uint8Array.from([...args].reverse()))
    rpcServer.enableReserved({ echo: true })
    expect(text(await rpc.call(401, bytes('abc')))).toBe('cba')
    expect(text(await rpc.echo(bytes('hello')))).toBe('hello')
    expect(await rpc.echo(new Uint8Array(0))).toEqual(new Uint8Array(0))
  })

  it('answers the reserved self-description functions through the client helpers', async () => {
    const { rpcServer, rpc } = await pair()
    rpcServer.handle(401, (args) => args, { name: 'echo401', arguments: 'any bytes' })
    const identity = {
      vendorUuid: new Uint8Array(16).fill(0xaa),
      productId: new Uint8Array(16).fill(0xbb),
      serial: new Uint8Array(16).fill(0xcc),
      name: 'Würfel',
    }
    rpcServer.enableReserved({
      whatIs: true,
      descriptors: true,
      identity,
      status: () => ['ready', 'load 0.1'],
    })
    expect(await rpc.whatIs(401)).toBe('echo401')
    expect(await rpc.whatIs(402)).toBe('')
    expect(await rpc.status()).toEqual(['ready', 'load 0.1'])
    expect(await rpc.identity()).toEqual(identity)
    expect((await rpc.descriptors()).map((d) => d.name)).toEqual([
      'core.whatIs',
      'core.status',
      'core.identity',
      'core.descriptors',
      'echo401',
    ])
    expect(((await rejection(rpc.echo(bytes('x')))) as RemoteError).status).toBe(
      RpcStatus.NonexistentFunction,
    )
  })

  it('passes the authenticated caller to the handler', async () => {
    const { rpcServer, rpc, client } = await pair()
    rpcServer.handle(402, (_args, { client: caller, fn }) =>
      bytes(`${text(caller.clientId)} ${caller.guest} ${fn}`),
    )
    expect(text(await rpc.call(402))).toBe(`${text(client.clientId)} false 402`)
  })

  it('maps RpcError statuses, custom codes, plain errors and unknown functions', async () => {
    const { rpcServer, rpc } = await pair()
    rpcServer.handle(10_003, () => {
      throw new RpcError(RpcStatus.BadInput, 'bad argument')
    })
    rpcServer.handle(10_004, async () => {
      throw new RpcError(RpcStatus.NonexistentFile, 'no such file')
    })
    rpcServer.handle(10_042, () => {
      throw new RpcError(4242, 'custom failure')
    })
    rpcServer.handle(10_001, () => {
      throw new Error('secret internals at /srv/app.js')
    })
    rpcServer.handle(10_005, () => 'not bytes' as unknown as Uint8Array)
    rpcServer.handle(10_006, () => undefined)

    const cases: [number, number, string, string][] = [
      [10_003, 3, 'BadInput', 'bad argument'],
      [10_004, 4, 'NonexistentFile', 'no such file'],
      [10_042, 4242, 'Unknown(4242)', 'custom failure'],
      [10_001, 1, 'Error', 'secret internals at /srv/app.js'],
      [10_005, 1, 'Error', 'function 10005 returned string, not a Uint8Array'],
      [12_345, 2, 'NonexistentFunction', 'function 12345 does not exist'],
    ]
    for (const [fn, status, statusName, message] of cases) {
      const error = await rejection(rpc.call(fn))
      expect(error).toBeInstanceOf(RemoteError)
      expect(error).toBeInstanceOf(PavillionError)
      expect(error).toMatchObject({ code: 'ERR_RPC_REMOTE', fn, status, statusName, text: message })
    }
    expect(await rpc.call(10_006)).toEqual(new Uint8Array(0))
  })

  it('sends the stack of a failing handler only with debug: true', async () => {
    const { rpcServer, rpc } = await pair({ debug: true })
    rpcServer.handle(501, function failingHandler() {
      throw new Error('with stack')
    })
    const error = (await rejection(rpc.call(501))) as RemoteError
    expect(error.status).toBe(1)
    expect(error.text).toMatch(/^Error: with stack\n\s+at /)
    expect(error.text).toContain('failingHandler')
  })

  it('runs 100 calls in flight at once, each answered correctly', async () => {
    const { rpcServer, rpc } = await pair()
    let running = 0
    let mostRunning = 0
    rpcServer.handle(600, async (args) => {
      running++
      mostRunning = Math.max(mostRunning, running)
      await sleep(args[0]! % 7)
      running--
      return Uint8Array.of(args[0]! ^ 0xff, args[1]!)
    })
    const calls = Array.from({ length: 100 }, (_, i) => rpc.call(600, Uint8Array.of(i, i + 1)))
    expect(rpc.pending).toBe(100)
    const results = await Promise.all(calls)
    expect(results.map((result) => [...result])).toEqual(results.map((_, i) => [i ^ 0xff, i + 1]))
    expect(mostRunning).toBeGreaterThan(1)
    expect(rpc.pending).toBe(0)
  })

  it('rejects with the reason of a signal aborted before the call, without sending it', async () => {
    const { rpcServer, rpc } = await pair()
    let runs = 0
    rpcServer.handle(700, () => {
      runs++
      return undefined
    })
    const reason = new Error('changed my mind')
    expect(await rejection(rpc.call(700, undefined, { signal: AbortSignal.abort(reason) }))).toBe(reason)
    await rpc.call(700)
    expect(runs).toBe(1)
  })

  it('rejects with the reason of a signal aborted during the call', async () => {
    const { rpcServer, rpc } = await pair()
    let started!: () => void
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve
    })
    rpcServer.handle(701, async (_args, { signal }) => {
      started()
      await new Promise((resolve) => signal.addEventListener('abort', resolve))
      return undefined
    })
    const controller = new AbortController()
    const call = rpc.call(701, undefined, { signal: controller.signal, timeout: 10_000 })
    await handlerStarted
    const reason = new Error('user gave up')
    controller.abort(reason)
    expect(await rejection(call)).toBe(reason)
    expect(rpc.pending).toBe(0)
  })

  it('times out against a server that never answers, after several transmissions', async () => {
    const { server, port } = await h.server() // no RpcServer: calls reach nobody
    let seen = 0
    server.handle(AppOpcode.RpcCall, () => seen++, { duplicates: true })
    const client = await h.client({ address: '127.0.0.1', port })
    await client.waitForServer({ timeout: 2000 })
    const rpc = h.track(new RpcClient(client))
    const error = await rejection(rpc.call(900, bytes('anyone?'), { timeout: 800 }))
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).attempts).toBeGreaterThan(1)
    expect((error as TimeoutError).waited).toBeGreaterThan(0)
    expect((error as TimeoutError).message).toMatch(/function 900: no response within 800 ms/)
    // Every retransmission of the identical call reached the server (reported as a duplicate).
    expect(seen).toBeGreaterThan(1)
  })

  it('rejects calls in flight with ClosedError when the RPC client or the core client closes', async () => {
    const { rpcServer, rpc, client } = await pair()
    rpcServer.handle(800, () => new Promise<undefined>(() => {}))
    const first = rpc.call(800)
    rpc.close()
    expect(await rejection(first)).toBeInstanceOf(ClosedError)
    expect(await rejection(rpc.call(800))).toBeInstanceOf(ClosedError)

    const again = h.track(new RpcClient(client))
    const second = again.call(800)
    await client.close()
    expect(await rejection(second)).toBeInstanceOf(ClosedError)
    expect(again.closed).toBe(true)
  })

  it("aborts the handler's signal when the server closes", async () => {
    const { server, rpcServer, rpc } = await pair()
    let aborted: unknown
    let started!: () => void
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve
    })
    const stopped = new Promise<void>((resolve) => {
      rpcServer.handle(801, async (_args, { signal }) => {
        started()
        await new Promise((r) => signal.addEventListener('abort', r))
        aborted = signal.reason
        resolve()
        return undefined
      })
    })
    const call = rpc.call(801, undefined, { timeout: 1000 }).catch((error: unknown) => error)
    await handlerStarted
    await server.close()
    await stopped
    expect(aborted).toBeInstanceOf(ClosedError)
    expect(rpcServer.closed).toBe(true)
    expect(await call).toBeInstanceOf(TimeoutError)
  })

  it('drops a call payload shorter than a function number without running anything', async () => {
    const { server, rpcServer, rpc, client } = await pair()
    rpcServer.handle(0x0101, () => bytes('ran'))
    await rpc.call(0x0101) // connected, and one real call counted
    const malformed = server.stats().malformed
    client.send(Uint8Array.of(4, 1)) // opcode 4 with a single byte
    for (let i = 0; i < 200 && server.stats().malformed === malformed; i++) await sleep(5)
    expect(server.stats().malformed).toBe(malformed + 1)
    expect(rpcServer.stats()).toMatchObject({ calls: 1, executions: 1 })
  })
})

describe('argument checks', () => {
  it('refuses bad function numbers, arguments, timeouts and registrations synchronously', async () => {
    const { rpcServer, rpc } = await pair()
    expect(() => rpc.call(-1)).toThrow(InvalidArgumentError)
    expect(() => rpc.call(65_536)).toThrow(InvalidArgumentError)
    expect(() => rpc.call(1.5)).toThrow(InvalidArgumentError)
    expect(() => rpc.call(1, 'x' as unknown as Uint8Array)).toThrow(InvalidArgumentError)
    expect(() => rpc.call(1, new Uint8Array(5000))).toThrow(/at most 4058 bytes/)
    expect(() => rpc.call(1, undefined, { timeout: -1 })).toThrow(InvalidArgumentError)
    expect(() => rpcServer.handle(70_000, () => undefined)).toThrow(InvalidArgumentError)
    expect(() => rpcServer.handle(5, 'x' as never)).toThrow(InvalidArgumentError)
    expect(() => rpcServer.handle(5, () => undefined, { name: 'has space' })).toThrow(InvalidArgumentError)
    expect(() => rpcServer.handle(5000, () => undefined, { name: 'core.mine' })).toThrow(/reserved/)
    rpcServer.handle(5, () => undefined)
    expect(() => rpcServer.handle(5, () => undefined)).toThrow(/already has a handler/)
    expect(() => new RpcError(0, 'success is not an error')).toThrow(InvalidArgumentError)
    expect(() => new RpcError(65_536, 'too big')).toThrow(InvalidArgumentError)
  })
})
