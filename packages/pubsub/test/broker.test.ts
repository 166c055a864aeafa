import type { ClientInfo, ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, ServerPubSub } from '../src/index.ts'
import { createWorld, SERVER, str, text, type World } from './support/world.ts'

let world: World
afterEach(async () => {
  await world?.close()
})

async function setup(broker: boolean) {
  world = await createWorld()
  const server = world.server()
  const serverPs = world.track(new ServerPubSub(server, { broker }))
  const atServer: Message<ClientInfo>[] = []
  serverPs.subscribe('chat', (m) => atServer.push(m))
  const clients = [0, 1, 2].map((who) => {
    const client = world.client(SERVER, { who: who })
    const ps = world.track(new ClientPubSub(client))
    const inbox: Message<ServerInfo>[] = []
    ps.subscribeAll((m) => inbox.push(m))
    return { client, ps, inbox }
  })
  await world.run(10)
  expect(server.sessions()).toHaveLength(3)
  return { server, serverPs, atServer, clients }
}

describe('broker mode', () => {
  it('re-publishes every client message to the other clients, unchanged, never back to its sender', async () => {
    const { serverPs, atServer, clients } = await setup(true)
    const [a, b, c] = clients
    const report = a!.ps.publish('chat', 'alice', text('hello all'))
    await a!.ps.publish('chat', 'alice', text('fire and forget'), { reliable: false })
    await world.run(10)
    expect((await report).outcome).toBe('acknowledged')
    for (const { inbox, client } of [b!, c!]) {
      expect(inbox.map((m) => [m.target, m.name, str(m.payload), m.reliable])).toEqual([
        ['chat', 'alice', 'hello all', true],
        ['chat', 'alice', 'fire and forget', false],
      ])
      // The sender of a brokered message is the server the client talks to.
      expect(inbox[0]!.sender.key).toBe(client.servers()[0]!.key)
    }
    expect(a!.inbox).toEqual([])
    expect(atServer.map((m) => str(m.payload))).toEqual(['hello all', 'fire and forget'])
    expect(serverPs.stats()).toMatchObject({ brokered: 2, brokerDropped: 0 })
  })

  it('forwards reliable copies through loss, each delivered once', async () => {
    const { clients } = await setup(true)
    const [a, b, c] = clients
    world.net.impair({}, { loss: 0.3 })
    const sends = Array.from({ length: 30 }, (_, i) =>
      a!.ps.publish('chat', 'n', text(`m${i}`), { timeout: 30_000 }),
    )
    await world.run(30_000, 10)
    await Promise.all(sends)
    const expected = Array.from({ length: 30 }, (_, i) => `m${i}`).sort()
    for (const { inbox } of [b!, c!]) expect(inbox.map((m) => str(m.payload)).sort()).toEqual(expected)
  })

  it('is off by default: nothing reaches the other clients', async () => {
    const { serverPs, atServer, clients } = await setup(false)
    const [a, b, c] = clients
    const report = a!.ps.publish('chat', 'alice', text('hello'))
    await world.run(10)
    await report
    expect(atServer).toHaveLength(1)
    expect(b!.inbox).toEqual([])
    expect(c!.inbox).toEqual([])
    expect(serverPs.stats()).toMatchObject({ brokered: 0, brokerDropped: 0 })
  })

  it('skips a client that has the maximum of reliable publishes in flight, and counts it', async () => {
    world = await createWorld()
    const server = world.server()
    const serverPs = world.track(new ServerPubSub(server, { broker: true, maxInFlightPerPeer: 2 }))
    const [a, b] = [0, 1].map((who) => {
      const client = world.client(SERVER, { who: who })
      return { client, ps: world.track(new ClientPubSub(client)) }
    })
    await world.run(10)
    const inbox: string[] = []
    b!.ps.subscribe('chat', (m) => inbox.push(str(m.payload)))
    // B stops acknowledging: its copies stay in flight.
    const idB = world.identities[1]!.clientId
    const bAddress = server.sessions().find((s) => s.clientId.every((byte, i) => byte === idB[i]))!.address
    const silence = world.net.impair({ from: bAddress }, { blackhole: true })
    const sends = [0, 1, 2].map((i) => a!.ps.publish('chat', 'n', text(`m${i}`)))
    await world.run(10)
    await Promise.all(sends)
    expect(serverPs.stats()).toMatchObject({ brokered: 2, brokerDropped: 1 })
    silence()
    await world.run(3000, 10)
    expect(inbox.sort()).toEqual(['m0', 'm1'])
  })
})
