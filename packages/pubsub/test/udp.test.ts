import type { Client, ClientInfo, Server, ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, NoAcknowledgementError, ServerPubSub } from '../src/index.ts'
import {
  createUdpWorld,
  freePort,
  GROUP,
  groupServer,
  handshakesSettled,
  pskClient,
  type UdpWorld,
  unicastServer,
  waitUntil,
} from './support/udp.ts'
import { str, text } from './support/world.ts'

let world: UdpWorld
afterEach(async () => {
  await world?.close()
})

const payloads = (inbox: readonly Message<unknown>[]) => inbox.map((m) => `${m.name}:${str(m.payload)}`)

describe('one server, one client, over real UDP on 127.0.0.1', () => {
  it('client → server reliable and unreliable, server → client reliable and unreliable', async () => {
    world = await createUdpWorld()
    const { server, address } = await unicastServer(world)
    const client = await pskClient(world, address)
    const serverPs = new ServerPubSub(server)
    const clientPs = new ClientPubSub(client)
    const atServer: Message<ClientInfo>[] = []
    const atClient: Message<ServerInfo>[] = []
    serverPs.subscribe('up', (m) => atServer.push(m))
    clientPs.subscribe('down', (m) => atClient.push(m))
    await client.waitForServer({ timeout: 2000 })

    const up = await clientPs.publish('up', 'r', text('1'))
    expect(up.outcome).toBe('acknowledged')
    expect(up.acked.map((s) => s.key)).toEqual([client.servers()[0]!.key])
    await clientPs.publish('up', 'u', text('2'), { reliable: false })
    expect(await waitUntil(() => atServer.length === 2)).toBe(true)
    expect(payloads(atServer)).toEqual(['r:1', 'u:2'])
    expect(atServer.map((m) => m.reliable)).toEqual([true, false])
    expect(atServer[0]!.sender.clientId).toEqual(world.keys.identities[0]!.clientId)

    await waitUntil(() => server.sessions().length === 1)
    const down = await serverPs.publish('down', 'r', text('3'))
    expect(down.acked.map((c) => c.clientId)).toEqual([world.keys.identities[0]!.clientId])
    const unreliable = await serverPs.publish('down', 'u', text('4'), { reliable: false })
    expect(unreliable.recipients).toHaveLength(1)
    expect(await waitUntil(() => atClient.length === 2)).toBe(true)
    expect(payloads(atClient)).toEqual(['r:3', 'u:4'])
    expect(atClient[0]!.sender.key).toBe(client.servers()[0]!.key)
  })

  it('a client with the wrong PSK is never served: nothing delivered, its publish rejects with the typed error', async () => {
    world = await createUdpWorld()
    const { server, address } = await unicastServer(world)
    const intruder = await pskClient(world, address, 0, { psk: world.keys.crypto.generatePsk() })
    const serverPs = new ServerPubSub(server)
    const intruderPs = new ClientPubSub(intruder)
    const received: Message<ClientInfo>[] = []
    serverPs.subscribeAll((m) => received.push(m))
    const error = await intruderPs
      .publish('up', 'n', text('let me in'), { timeout: 800 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoAcknowledgementError)
    expect(error).toMatchObject({
      code: 'ERR_NO_ACKNOWLEDGEMENT',
      report: { acked: [], outcome: 'unacknowledged' },
    })
    expect(received).toEqual([])
    expect(server.sessions()).toEqual([])
    expect(intruder.servers()).toEqual([])
  })
})

describe('multicast group on the loopback interface', () => {
  it('two servers behind one group both receive one publish, and the report names both', async () => {
    world = await createUdpWorld()
    const port = await freePort()
    const announcePort = await freePort()
    const servers = [
      await groupServer(world, port, announcePort),
      await groupServer(world, port, announcePort),
    ]
    const inboxes = servers.map((server) => {
      const inbox: Message<ClientInfo>[] = []
      new ServerPubSub(server).subscribe('x', (m) => inbox.push(m))
      return inbox
    })
    const client = await pskClient(world, { address: GROUP, port }, 0, { announcePort })
    const clientPs = new ClientPubSub(client)
    expect(await waitUntil(() => client.servers().length === 2)).toBe(true)
    await handshakesSettled([client, ...servers])
    const report = await clientPs.publish('x', 'n', text('to the group'))
    expect(report.outcome).toBe('acknowledged')
    expect(report.acked.map((s) => s.key).sort()).toEqual(
      client
        .servers()
        .map((s) => s.key)
        .sort(),
    )
    expect(report.missing).toEqual([])
    expect(await waitUntil(() => inboxes.every((inbox) => inbox.length === 1))).toBe(true)
    expect(inboxes.map(payloads)).toEqual([['n:to the group'], ['n:to the group']])
  })

  /** Every start order of the four endpoints of the 2 × 2 scenario (S = server, C = client, by index). */
  const orders = permutations(['S0', 'S1', 'C0', 'C1'])

  it.each(orders)('two servers and two clients started in the order %s %s %s %s', async (...order) => {
    world = await createUdpWorld()
    const port = await freePort()
    const announcePort = await freePort()
    const servers: Server[] = []
    const clients: Client[] = []
    const serverPs: ServerPubSub[] = []
    const clientPs: ClientPubSub[] = []
    const atServers: Message<ClientInfo>[][] = [[], []]
    const atClients: Message<ServerInfo>[][] = [[], []]
    for (const who of order) {
      const index = Number(who[1])
      if (who[0] === 'S') {
        const server = await groupServer(world, port, announcePort)
        servers[index] = server
        serverPs[index] = new ServerPubSub(server)
        serverPs[index].subscribe('x', (m) => atServers[index]!.push(m))
      } else {
        const client = await pskClient(world, { address: GROUP, port }, index, { announcePort })
        clients[index] = client
        clientPs[index] = new ClientPubSub(client)
        clientPs[index].subscribe('y', (m) => atClients[index]!.push(m))
      }
      await new Promise((resolve) => setTimeout(resolve, 30))
    }
    await handshakesSettled([...clients, ...servers])
    expect(
      await waitUntil(
        () =>
          clients.every((c) => c.servers().length === 2) &&
          servers.every((s) => s.sessions().length === 2) &&
          clientPs.every((ps) => ps.subscribers('x').length === 2),
      ),
    ).toBe(true)

    const reports = await Promise.all(clientPs.map((ps, i) => ps.publish('x', `c${i}`, text('up'))))
    for (const [i, report] of reports.entries()) {
      expect(report.expected).toBe('subscribers')
      expect(report.acked.map((s) => s.key).sort()).toEqual(
        clients[i]!.servers()
          .map((s) => s.key)
          .sort(),
      )
    }
    const down = await serverPs[0]!.publish('y', 's0', text('down'))
    expect(down.acked.map((c) => c.key).sort()).toEqual(
      servers[0]!
        .sessions()
        .map((c) => c.key)
        .sort(),
    )
    expect(
      await waitUntil(
        () =>
          atServers.every((inbox) => inbox.length === 2) && atClients.every((inbox) => inbox.length === 1),
      ),
    ).toBe(true)
    for (const inbox of atServers) expect(payloads(inbox).sort()).toEqual(['c0:up', 'c1:up'])
    for (const inbox of atClients) expect(payloads(inbox)).toEqual(['s0:down'])
  })
})

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]]
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  )
}
