import type { ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { RemoteError, RpcClient, RpcServer } from '../src/index.ts'
import { createWorld, type MemoryWorld } from './support/memory-world.ts'

const SERVER = { address: '10.0.0.1', port: 1783 }

let world: MemoryWorld
afterEach(async () => {
  await world?.close()
})

/** A world with one server counting executions of function 401 (which echoes), and one client. */
async function setup(
  options: {
    server?: Parameters<MemoryWorld['server']>[1]
    client?: Parameters<MemoryWorld['client']>[1]
    rpc?: ConstructorParameters<typeof RpcServer>[1]
  } = {},
) {
  world = await createWorld()
  const server = world.server(SERVER, options.server)
  const rpcServer = new RpcServer(server, options.rpc)
  const runs = new Map<string, number>()
  let gate: Promise<void> = Promise.resolve()
  rpcServer.handle(401, async (args) => {
    const key = new TextDecoder().decode(args)
    runs.set(key, (runs.get(key) ?? 0) + 1)
    await gate
    return args
  })
  const client = world.client(SERVER, options.client)
  const rpc = new RpcClient(client, { timeout: 10_000 })
  let connected: ServerInfo | undefined
  client.on('server:connected', ({ server: info }) => {
    connected = info
  })
  await world.run(50)
  expect(connected).toBeDefined()
  const clientAddress = world.net.sent.find((d) => d.to.port === SERVER.port)!.from
  return {
    server,
    rpcServer,
    client,
    rpc,
    runs,
    clientAddress,
    /** Holds every handler run until the returned function is called. */
    hold(): () => void {
      let open!: () => void
      gate = new Promise((resolve) => {
        open = resolve
      })
      return open
    },
  }
}

/** Settles `promise` into a value or an error, for checking after simulated time has passed. */
function outcome<T>(promise: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false }
  promise.then(
    (value) => Object.assign(state, { value, done: true }),
    (error: unknown) => Object.assign(state, { error, done: true }),
  )
  return state
}

describe('at-most-once execution', () => {
  it('runs each call once when the network duplicates every datagram to the server', async () => {
    const { rpc, rpcServer, runs, clientAddress } = await setup()
    world.net.impair({ from: clientAddress, to: SERVER }, { duplicate: 1 })
    const calls = Array.from({ length: 20 }, (_, i) =>
      outcome(rpc.call(401, new TextEncoder().encode(`call-${i}`))),
    )
    await world.run(200)
    calls.forEach((call, i) => {
      expect(call.done).toBe(true)
      expect(new TextDecoder().decode(call.value)).toBe(`call-${i}`)
      expect(runs.get(`call-${i}`)).toBe(1)
    })
    expect(rpcServer.stats()).toMatchObject({ executions: 20 })
    expect(rpcServer.stats().duplicates).toBeGreaterThanOrEqual(20)
  })

  it('absorbs retransmissions while the handler runs and answers once it finishes', async () => {
    const { rpc, rpcServer, runs, server, hold } = await setup()
    const open = hold()
    const call = outcome(rpc.call(401, new TextEncoder().encode('slow')))
    await world.run(3000, 10) // several RTOs: the engine retransmits the identical call
    expect(call.done).toBe(false)
    expect(server.stats().duplicates).toBeGreaterThan(1)
    open()
    await world.run(20)
    expect(new TextDecoder().decode(call.value)).toBe('slow')
    expect(runs.get('slow')).toBe(1)
    expect(rpcServer.stats().duplicates).toBeGreaterThan(1)
  })

  it('answers a retransmission from the cache when the first response was lost', async () => {
    const { rpc, rpcServer, runs, clientAddress } = await setup()
    const lose = world.net.impair({ from: SERVER, to: clientAddress }, { blackhole: true })
    const call = outcome(rpc.call(401, new TextEncoder().encode('lost once')))
    await world.run(20)
    expect(runs.get('lost once')).toBe(1)
    lose()
    await world.run(2000, 10)
    expect(new TextDecoder().decode(call.value)).toBe('lost once')
    expect(runs.get('lost once')).toBe(1)
    expect(rpcServer.stats().duplicates).toBeGreaterThan(0)
  })

  it('never runs a call twice when its session timed out before the answer got through', async () => {
    // The session times out between two retransmissions (the first comes only after 1 s) and the
    // client re-handshakes. The new session announces the client's current counter, so the old
    // call's retransmissions are refused there: the call times out, honestly, and never runs twice.
    const { rpc, runs, server, clientAddress } = await setup({
      server: { sessionTimeout: 300 },
      client: { rtt: { initialRto: 1000, maxRto: 2000 } },
    })
    const reasons: string[] = []
    server.on('session:closed', ({ reason }) => reasons.push(reason))
    const lose = world.net.impair({ from: SERVER, to: clientAddress }, { blackhole: true })
    const call = outcome(rpc.call(401, new TextEncoder().encode('across sessions')))
    await world.run(700, 10)
    expect(reasons).toEqual(['timeout'])
    lose()
    await world.run(10_000, 10) // the server's first "unrecognized client" was lost; it repeats after its 5 s quiet period
    expect(server.stats().handshakes).toBeGreaterThanOrEqual(2)
    expect(call.error).toMatchObject({ code: 'ERR_TIMEOUT' })
    expect(runs.get('across sessions')).toBe(1)
  })

  it('never runs a retransmission whose response expired; answers an error instead', async () => {
    const { rpc, rpcServer, runs, clientAddress } = await setup({ rpc: { cacheTtl: 50 } })
    const lose = world.net.impair({ from: SERVER, to: clientAddress }, { blackhole: true })
    const call = outcome(rpc.call(401, new TextEncoder().encode('expired')))
    await world.run(100)
    lose()
    await world.run(3000, 10)
    expect(call.error).toBeInstanceOf(RemoteError)
    expect((call.error as RemoteError).status).toBe(1)
    expect((call.error as RemoteError).text).toMatch(/no longer kept/)
    expect(runs.get('expired')).toBe(1)
    expect(rpcServer.stats().expired).toBeGreaterThan(0)
  })

  it('refuses calls beyond cacheEntries running at once, honestly', async () => {
    const { rpc, rpcServer, runs, hold } = await setup({ rpc: { cacheEntries: 2 } })
    const open = hold()
    const calls = ['a', 'b', 'c'].map((key) => outcome(rpc.call(401, new TextEncoder().encode(key))))
    await world.run(50)
    expect(calls[2]!.error).toBeInstanceOf(RemoteError)
    expect((calls[2]!.error as RemoteError).text).toMatch(/busy/)
    open()
    await world.run(50)
    expect(calls.slice(0, 2).map((c) => new TextDecoder().decode(c.value))).toEqual(['a', 'b'])
    expect([...runs.keys()]).toEqual(['a', 'b'])
    expect(rpcServer.stats().busy).toBe(1)
  })
})
