import { setTimeout as sleep } from 'node:timers/promises'
import type { PeerAddress } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createUdpTransport,
  MulticastUnavailableError,
  type UdpTransport,
  type UdpTransportOptions,
} from '../src/index.ts'
import { freePort, GROUP, loopbackMulticastProblem, waitUntil } from '../src/testing/index.ts'

// Every datagram here goes to 127.0.0.1 or to GROUP through the loopback interface.
const LOOPBACK = '127.0.0.1'

const open: UdpTransport[] = []

async function transport(options: UdpTransportOptions): Promise<UdpTransport> {
  const t = await createUdpTransport(options)
  open.push(t)
  return t
}

/** A transport bound to all interfaces at `port` (shared), joined to GROUP on the loopback interface. */
function member(port: number): Promise<UdpTransport> {
  return transport({
    bind: { address: '0.0.0.0', port },
    reuseAddress: true,
    multicast: { group: GROUP, interface: LOOPBACK },
  })
}

/** A transport on 127.0.0.1 that sends group datagrams through the loopback interface. */
function groupSender(): Promise<UdpTransport> {
  return transport({
    bind: { address: LOOPBACK },
    separateSendSocket: true,
    multicast: { interface: LOOPBACK },
  })
}

function inbox(t: UdpTransport): PeerAddress[] {
  const sources: PeerAddress[] = []
  t.onDatagram((_bytes, from) => sources.push({ address: from.address, port: from.port }))
  return sources
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

const problem = await loopbackMulticastProblem()

describe.skipIf(problem !== undefined)(
  `multicast on the loopback interface${problem ? ` — skipped: ${problem}` : ''}`,
  () => {
    it('delivers a group datagram to every member', async () => {
      const port = await freePort()
      const members = [await member(port), await member(port)]
      const boxes = members.map(inbox)
      const sender = await groupSender()
      sender.send({ address: GROUP, port }, Uint8Array.of(1))
      expect(await waitUntil(() => boxes.every((box) => box.length === 1))).toBe(true)
      for (const box of boxes) expect(box[0]).toEqual(sender.localAddress())
    })

    it('recognises its own looped-back group datagram with isOwnAddress()', async () => {
      const port = await freePort()
      const self = await member(port)
      const sources = inbox(self)
      self.send({ address: GROUP, port }, Uint8Array.of(1))
      expect(await waitUntil(() => sources.length === 1)).toBe(true)
      expect(self.localAddress()).toEqual({ address: '0.0.0.0', port })
      expect(sources[0]).toEqual({ address: LOOPBACK, port })
      expect(self.isOwnAddress(sources[0]!)).toBe(true)
      expect(self.isOwnAddress({ address: LOOPBACK, port: port === 65535 ? 1 : port + 1 })).toBe(false)
    })

    it('reads the announce listener socket shared by several clients', async () => {
      const port = await freePort()
      const announce = { group: GROUP, port, interface: LOOPBACK }
      const clients = [
        await transport({ bind: { address: LOOPBACK }, announce }),
        await transport({ announce }),
      ]
      const boxes = clients.map(inbox)
      const server = await groupSender()
      server.send({ address: GROUP, port }, Uint8Array.of(5))
      expect(await waitUntil(() => boxes.every((box) => box.length === 1))).toBe(true)
      for (const box of boxes) expect(box[0]).toEqual(server.localAddress())
      expect(clients[0]!.isOwnAddress({ address: LOOPBACK, port })).toBe(false)
    })

    it('an announce listener on a server port takes none of that server unicast datagrams', async () => {
      // A multicast client on the host of a server announcing on (group, server port): with SO_REUSEADDR,
      // Linux would hand every unicast datagram to the port's last socket bound to all interfaces.
      const port = await freePort()
      const server = await member(port)
      const client = await transport({ announce: { group: GROUP, port, interface: LOOPBACK } })
      const [atServer, atClient] = [inbox(server), inbox(client)]
      const sender = await groupSender()
      for (let i = 0; i < 5; i++) sender.send({ address: LOOPBACK, port }, Uint8Array.of(1))
      sender.send({ address: GROUP, port }, Uint8Array.of(5))
      expect(await waitUntil(() => atServer.length === 6 && atClient.length === 1)).toBe(true)
      await sleep(100)
      expect([atServer.length, atClient.length]).toEqual([6, 1])
    })
  },
)

describe('multicast interface absent at start', () => {
  // 203.0.113.7 (TEST-NET-3) is on no interface: the join and the interface fail as on a host without network.
  const absent = '203.0.113.7'

  it('reports the failures, retries, keeps working for unicast and stops retrying on close', async () => {
    const t = await createUdpTransport({
      bind: { address: LOOPBACK },
      multicast: { group: GROUP, interface: absent },
    })
    const errors: NodeJS.ErrnoException[] = []
    t.onError((error) => errors.push(error))
    expect(errors.map((e) => e.code).sort()).toEqual(['EADDRNOTAVAIL', 'ENODEV'])

    t.send({ address: GROUP, port: 9 }, Uint8Array.of(1))
    const dropped = errors.at(-1)
    expect(dropped).toBeInstanceOf(MulticastUnavailableError)
    expect(dropped?.code).toBe('ERR_MULTICAST_UNAVAILABLE')
    expect(dropped?.message).toMatch(
      /239\.255\.28\.12:9 dropped: the multicast interface is not available yet/,
    )

    const peer = await transport({ bind: { address: LOOPBACK } })
    const sources = inbox(t)
    peer.send(t.localAddress(), Uint8Array.of(1))
    expect(await waitUntil(() => sources.length === 1)).toBe(true)

    expect(await waitUntil(() => errors.length >= 5, 15_000)).toBe(true) // first retry after 250 ms
    await t.close()
    const count = errors.length
    await sleep(600)
    expect(errors.length).toBe(count)
  })
})
