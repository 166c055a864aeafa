import type { ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type ClientPubSubEventMap, ServerPubSub } from '../src/index.ts'
import { createWorld, GROUP, PORT, text, type World } from './support/world.ts'

const S1 = { address: '127.0.0.2', port: PORT }
const S2 = { address: '127.0.0.3', port: PORT }
const keyOf = (address: { address: string; port: number }) => `${address.address}:${address.port}`

let world: World
afterEach(async () => {
  await world?.close()
})

/** Two servers behind one multicast group and one client of the group; nothing connected yet. */
async function group(seed = 1) {
  world = await createWorld(seed)
  const servers = [S1, S2].map((address) => world.server(address, { group: GROUP.address }))
  const serverPs = servers.map((server) => world.track(new ServerPubSub(server)))
  const connect = async () => {
    const client = world.client(GROUP)
    const clientPs = world.track(new ClientPubSub(client))
    // Listening to something, the client says so when it connects (opcode 13), and each server
    // answers with its own targets: it is one of ours, safe to tell at once (no re-key race).
    clientPs.subscribe('inbox', () => {})
    const changes: string[] = []
    const record = (kind: string) => (e: ClientPubSubEventMap['subscribed']) =>
      changes.push(`${kind} ${e.target} ${e.server.key}`)
    clientPs.on('subscribed', record('+'))
    clientPs.on('unsubscribed', (e) => changes.push(`- ${e.target} ${e.server.key} ${e.reason}`))
    await world.run(20)
    expect(
      client
        .servers()
        .map((s) => s.key)
        .sort(),
    ).toEqual([keyOf(S1), keyOf(S2)])
    return { client, clientPs, changes }
  }
  return { servers, serverPs, connect }
}

const keys = (servers: readonly ServerInfo[]) => servers.map((s) => s.key).sort()

describe('subscriber tracking (opcodes 13 and 14)', () => {
  it('learns a target a server listened to before the session opened, and one it starts listening to later', async () => {
    const { serverPs, connect } = await group()
    serverPs[0]!.subscribe('x', () => {})
    const { clientPs, changes } = await connect()
    expect(keys(clientPs.subscribers('x'))).toEqual([keyOf(S1)])
    serverPs[1]!.subscribe('x', () => {})
    await world.run(5)
    expect(keys(clientPs.subscribers('x'))).toEqual([keyOf(S1), keyOf(S2)])
    expect(changes).toEqual([`+ x ${keyOf(S1)}`, `+ x ${keyOf(S2)}`])
  })

  it('announces 14 only when the last listener of a target goes, and the client unlearns it', async () => {
    const { serverPs, connect } = await group()
    const { clientPs, changes } = await connect()
    const first = serverPs[0]!.subscribe('x', () => {})
    const stream = serverPs[0]!.messages('x')
    await world.run(5)
    first()
    await world.run(5)
    expect(keys(clientPs.subscribers('x'))).toEqual([keyOf(S1)])
    await stream.return()
    await world.run(5)
    expect(clientPs.subscribers('x')).toEqual([])
    expect(changes).toEqual([`+ x ${keyOf(S1)}`, `- x ${keyOf(S1)} unsubscribe`])
  })

  it('never announces the empty target or the wildcard', async () => {
    const { serverPs, connect } = await group()
    serverPs[0]!.subscribe('', () => {})
    serverPs[0]!.subscribeAll(() => {})
    serverPs[0]!.subscribe('*', () => {})
    const { clientPs, changes } = await connect()
    serverPs[1]!.messages('*')
    await world.run(5)
    expect(clientPs.subscribers('')).toEqual([])
    expect(clientPs.subscribers('*')).toEqual([])
    expect(changes).toEqual([])
  })

  it('closing a server pub/sub object unannounces its targets', async () => {
    const { serverPs, connect } = await group()
    serverPs[1]!.subscribe('x', () => {})
    serverPs[1]!.subscribe('y', () => {})
    const { clientPs } = await connect()
    serverPs[1]!.close()
    await world.run(5)
    expect(clientPs.subscribers('x')).toEqual([])
    expect(clientPs.subscribers('y')).toEqual([])
  })

  it('a closing server unannounces its targets before it quits', async () => {
    const { servers, serverPs, connect } = await group()
    serverPs[1]!.subscribe('x', () => {})
    const { clientPs, changes } = await connect()
    await servers[1]!.close()
    await world.run(5)
    expect(clientPs.subscribers('x')).toEqual([])
    expect(changes).toEqual([`+ x ${keyOf(S2)}`, `- x ${keyOf(S2)} unsubscribe`])
  })

  it('a server that goes silent is dropped from every target when the engine reports it disconnected', async () => {
    const { serverPs, connect } = await group()
    serverPs[1]!.subscribe('x', () => {})
    serverPs[1]!.subscribe('y', () => {})
    const { client, clientPs, changes } = await connect()
    world.net.impair({ from: S2 }, { blackhole: true })
    await world.run(45_000, 100)
    expect(keys(client.servers())).toEqual([keyOf(S1)])
    expect(clientPs.subscribers('x')).toEqual([])
    expect(changes.slice(2).sort()).toEqual([`- x ${keyOf(S2)} disconnect`, `- y ${keyOf(S2)} disconnect`])
  })
})

describe('who a client publish waits for', () => {
  it('no known subscriber: every connected server, and both become subscribers by acknowledging', async () => {
    const { serverPs, connect } = await group()
    const { clientPs, changes } = await connect()
    const published = clientPs.publish('y', 'n', text('1'))
    await world.run(10)
    const report = await published
    expect(report.expected).toBe('all')
    expect(report.outcome).toBe('acknowledged')
    expect(keys(report.acked)).toEqual([keyOf(S1), keyOf(S2)])
    expect(keys(clientPs.subscribers('y'))).toEqual([keyOf(S1), keyOf(S2)])
    expect(changes.sort()).toEqual([`+ y ${keyOf(S1)}`, `+ y ${keyOf(S2)}`])
    // Neither server listens to 'y': both acknowledged and dropped it.
    expect(serverPs.map((ps) => ps.stats().unrouted)).toEqual([1, 1])
  })

  it('known subscribers: only they are expected; another server still receives the group transmission', async () => {
    const { serverPs, connect } = await group()
    const received: string[] = []
    serverPs[1]!.subscribe('x', (m) => received.push(m.name))
    const { clientPs } = await connect()
    const published = clientPs.publish('x', 'n', text('1'))
    await world.run(10)
    const report = await published
    expect(report.expected).toBe('subscribers')
    expect(keys(report.acked)).toEqual([keyOf(S2)])
    expect(report.missing).toEqual([])
    expect(received).toEqual(['n'])
    expect(serverPs[0]!.stats().unrouted).toBe(1)
  })

  it('a subscriber that does not acknowledge is reported missing (partial delivery resolves)', async () => {
    const { serverPs, connect } = await group()
    serverPs[0]!.subscribe('x', () => {})
    serverPs[1]!.subscribe('x', () => {})
    const { clientPs } = await connect()
    world.net.impair({ from: S2 }, { blackhole: true })
    const published = clientPs.publish('x', 'n', text('1'), { timeout: 1000 })
    await world.run(1100, 5)
    const report = await published
    expect(report.outcome).toBe('partial')
    expect(keys(report.acked)).toEqual([keyOf(S1)])
    expect(keys(report.missing)).toEqual([keyOf(S2)])
    expect(report.transmissions).toBeGreaterThan(1)
  })

  it("expect: 'any' settles on the first acknowledgement", async () => {
    const { connect } = await group()
    const { clientPs } = await connect()
    const published = clientPs.publish('x', 'n', text('1'), { expect: 'any' })
    await world.run(10)
    const report = await published
    expect(report).toMatchObject({ expected: 'any', outcome: 'acknowledged', missing: [] })
    expect(report.acked).toHaveLength(1)
  })

  it('a subscriber record expires after 240 s without refresh and leaves the expected set', async () => {
    const { serverPs, connect } = await group()
    serverPs[0]!.subscribe('x', () => {})
    const stopS2 = serverPs[1]!.subscribe('x', () => {})
    const { clientPs } = await connect()
    expect(keys(clientPs.subscribers('x'))).toEqual([keyOf(S1), keyOf(S2)])
    // Keepalives keep both sessions alive meanwhile; only S2 refreshes its record (14 then 13) at ~200 s.
    await world.run(200_000, 100)
    stopS2()
    serverPs[1]!.subscribe('x', () => {})
    await world.run(41_000, 100)
    expect(keys(clientPs.subscribers('x'))).toEqual([keyOf(S2)])
    const published = clientPs.publish('x', 'n', text('1'))
    await world.run(10)
    const report = await published
    expect(report.expected).toBe('subscribers')
    expect(keys(report.recipients)).toEqual([keyOf(S2)])
    expect(keys([...report.acked, ...report.missing])).toEqual([keyOf(S2)])
  })
})
