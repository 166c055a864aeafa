import type { ClientInfo, ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, NoAcknowledgementError, ServerPubSub } from '../src/index.ts'
import { createWorld, SERVER, str, text, type World } from './support/world.ts'

let world: World
afterEach(async () => {
  await world?.close()
})

/** A connected server and client, each with its pub/sub object. */
async function pair(seed = 1) {
  world = await createWorld(seed)
  const server = world.server()
  const client = world.client()
  const serverPs = world.track(new ServerPubSub(server))
  const clientPs = world.track(new ClientPubSub(client))
  await world.run(10)
  expect(client.servers()).toHaveLength(1)
  return { server, client, serverPs, clientPs }
}

describe('publish and receive over the in-memory network', () => {
  it('client → server reliable: delivered once with its authenticated sender, report names the server', async () => {
    const { client, serverPs, clientPs } = await pair()
    const received: Message<ClientInfo>[] = []
    serverPs.subscribe('T', (m) => received.push(m))
    const published = clientPs.publish('T', 'hello', text('payload'))
    await world.run(10)
    const report = await published
    expect(report).toMatchObject({ target: 'T', name: 'hello', reliable: true, outcome: 'acknowledged' })
    expect(report.acked.map((s) => s.key)).toEqual([client.servers()[0]!.key])
    expect(report.missing).toEqual([])
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({ target: 'T', name: 'hello', reliable: true })
    expect(str(received[0]!.payload)).toBe('payload')
    expect(received[0]!.sender.clientId).toEqual(world.identities[0]!.clientId)
  })

  it('client → server unreliable: delivered with reliable = false, report says sent', async () => {
    const { serverPs, clientPs } = await pair()
    const received: Message<ClientInfo>[] = []
    serverPs.subscribe('T', (m) => received.push(m))
    const report = await clientPs.publish('T', 'u', text('x'), { reliable: false })
    await world.run(5)
    expect(report.outcome).toBe('sent')
    expect(report.recipients).toHaveLength(1)
    expect(received.map((m) => [m.name, m.reliable])).toEqual([['u', false]])
  })

  it('server → client reliable and unreliable, to all clients or chosen ones', async () => {
    world = await createWorld()
    const server = world.server()
    const serverPs = world.track(new ServerPubSub(server))
    const clients = [0, 1, 2].map((who) => world.client(SERVER, { who: who }))
    const inboxes = clients.map((client) => {
      const inbox: Message<ServerInfo>[] = []
      world.track(new ClientPubSub(client)).subscribe('R', (m) => inbox.push(m))
      return inbox
    })
    await world.run(10)
    expect(server.sessions()).toHaveLength(3)

    const all = serverPs.publish('R', 'all', text('1'))
    await world.run(10)
    const report = await all
    expect(report.outcome).toBe('acknowledged')
    expect(report.acked).toHaveLength(3)
    expect(inboxes.map((inbox) => inbox.map((m) => m.name))).toEqual([['all'], ['all'], ['all']])

    const [a, b, c] = server.sessions()
    // One selector of each kind: a client ID, an address, a session key.
    const chosen = serverPs.publish('R', 'some', text('2'), { to: [b!.clientId, c!.address] })
    serverPs.publish('R', 'one', text('3'), { to: [a!.key], reliable: false })
    await world.run(10)
    expect((await chosen).acked.map((client) => client.key).sort()).toEqual([b!.key, c!.key].sort())
    const names = inboxes.map((inbox) => inbox.map((m) => m.name).join(','))
    expect(names.sort()).toEqual(['all,one', 'all,some', 'all,some'])
  })

  it('a server publish that matches no client rejects with NoAcknowledgementError', async () => {
    const { serverPs } = await pair()
    const error = await serverPs.publish('R', 'n', text(''), { to: ['10.0.0.1:1'] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoAcknowledgementError)
    expect((error as NoAcknowledgementError).code).toBe('ERR_NO_ACKNOWLEDGEMENT')
    expect((error as NoAcknowledgementError).report).toMatchObject({
      acked: [],
      missing: [],
      transmissions: 0,
    })
  })
})

describe('reliability under impairment', () => {
  it('200 messages each way through 30% loss in both directions: each delivered exactly once, every publish acknowledged', async () => {
    const { client, server, serverPs, clientPs } = await pair(3)
    const atServer: string[] = []
    const atClient: string[] = []
    serverPs.subscribe('up', (m) => atServer.push(str(m.payload)))
    clientPs.subscribe('down', (m) => atClient.push(str(m.payload)))
    world.net.impair({}, { loss: 0.3 })
    const count = 200
    const ups = Array.from({ length: count }, (_, i) =>
      clientPs.publish('up', 'm', text(`u${i}`), { timeout: 60_000 }),
    )
    const downs = Array.from({ length: count }, (_, i) =>
      serverPs.publish('down', 'm', text(`d${i}`), { timeout: 60_000 }),
    )
    await world.run(60_000, 10)
    const reports = await Promise.all([...ups, ...downs])
    expect(reports.every((r) => r.outcome === 'acknowledged')).toBe(true)
    const expected = (prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}${i}`).sort()
    expect([...atServer].sort()).toEqual(expected('u'))
    expect([...atClient].sort()).toEqual(expected('d'))
    // Loss really happened, and the engine really retransmitted.
    expect(world.net.stats.dropped).toBeGreaterThan(100)
    expect(client.stats().retransmissions).toBeGreaterThan(0)
    expect(server.stats().retransmissions).toBeGreaterThan(0)
  })

  it('every datagram duplicated: retransmissions are re-acknowledged but delivered once', async () => {
    const { client, server, serverPs, clientPs } = await pair(5)
    const atServer: string[] = []
    const atClient: string[] = []
    serverPs.subscribe('up', (m) => atServer.push(str(m.payload)))
    clientPs.subscribe('down', (m) => atClient.push(str(m.payload)))
    world.net.impair({}, { duplicate: 1 })
    const sends = Array.from({ length: 20 }, (_, i) => [
      clientPs.publish('up', 'm', text(`u${i}`)),
      serverPs.publish('down', 'm', text(`d${i}`)),
    ]).flat()
    await world.run(100)
    const reports = await Promise.all(sends)
    expect(reports.every((r) => r.outcome === 'acknowledged')).toBe(true)
    expect(atServer).toEqual(Array.from({ length: 20 }, (_, i) => `u${i}`))
    expect(atClient).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`))
    expect(server.stats().duplicates).toBeGreaterThanOrEqual(20)
    expect(client.stats().duplicates).toBeGreaterThanOrEqual(20)
    expect(serverPs.stats().delivered).toBe(20)
    expect(clientPs.stats().delivered).toBe(20)
  })

  it('a lost acknowledgement makes the client retransmit; the server acknowledges the duplicate and delivers once', async () => {
    const { client, serverPs, clientPs } = await pair()
    const received: string[] = []
    serverPs.subscribe('T', (m) => received.push(str(m.payload)))
    const blackhole = world.net.impair({ from: SERVER }, { blackhole: true })
    const published = clientPs.publish('T', 'n', text('once'))
    await world.run(1)
    blackhole()
    await world.run(2000, 5)
    const report = await published
    expect(report.outcome).toBe('acknowledged')
    expect(report.transmissions).toBeGreaterThan(1)
    expect(received).toEqual(['once'])
    expect(client.stats().retransmissions).toBeGreaterThan(0)
  })
})
