import { setTimeout as sleep } from 'node:timers/promises'
import type { PeerAddress } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createUdpTransport, TransportClosedError, type UdpTransport } from '../src/index.ts'
import { waitUntil } from '../src/testing/index.ts'

const open: UdpTransport[] = []

/** Opens a transport that the test's cleanup closes. */
async function transport(options: Parameters<typeof createUdpTransport>[0] = {}): Promise<UdpTransport> {
  const t = await createUdpTransport(options)
  open.push(t)
  return t
}

function inbox(t: UdpTransport): { bytes: number[]; from: PeerAddress }[] {
  const received: { bytes: number[]; from: PeerAddress }[] = []
  t.onDatagram((bytes, from) =>
    received.push({ bytes: [...bytes], from: { address: from.address, port: from.port } }),
  )
  return received
}

function errorsOf(t: UdpTransport): Error[] {
  const errors: Error[] = []
  t.onError((error) => errors.push(error))
  return errors
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

describe('separate send socket (server mode)', () => {
  it('sends from its own port, reads both ports and reports the send port as local address', async () => {
    const server = await transport({ bind: { address: '127.0.0.1' }, separateSendSocket: true })
    const client = await transport({ bind: { address: '127.0.0.1' } })
    expect(server.localAddress().port).not.toBe(server.listenAddress().port)
    const atServer = inbox(server)
    const atClient = inbox(client)
    server.onDatagram((bytes, from) => {
      atServer.push({ bytes: [...bytes], from })
      server.send(from, bytes)
    })

    client.send(server.listenAddress(), Uint8Array.of(1))
    expect(await waitUntil(() => atClient.length === 1)).toBe(true)
    expect(atClient[0]!.from).toEqual(server.localAddress())

    client.send(atClient[0]!.from, Uint8Array.of(2))
    expect(await waitUntil(() => atServer.length === 2)).toBe(true)
    expect(atServer.map((d) => d.bytes)).toEqual([[1], [2]])
    expect(server.isOwnAddress(server.localAddress())).toBe(true)
  })
})

describe('UdpTransport lifecycle', () => {
  it('close() releases the port so it can be bound again', async () => {
    const first = await createUdpTransport({ bind: { address: '127.0.0.1' }, separateSendSocket: true })
    const port = first.listenAddress().port
    await first.close()
    const second = await transport({ bind: { address: '127.0.0.1', port } })
    expect(second.localAddress()).toEqual({ address: '127.0.0.1', port })
  })

  it('rejects when the port is taken, leaving nothing open', async () => {
    const holder = await transport({ bind: { address: '127.0.0.1' } })
    const taken = createUdpTransport({ bind: { address: '127.0.0.1', port: holder.localAddress().port } })
    await expect(taken).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })

  it('shares a port with reuseAddress', async () => {
    const first = await transport({ bind: { address: '127.0.0.1' }, reuseAddress: true })
    const port = first.localAddress().port
    const second = await transport({ bind: { address: '127.0.0.1', port }, reuseAddress: true })
    expect(second.localAddress().port).toBe(port)
  })

  it('throws TransportClosedError from send() after close()', async () => {
    const t = await transport({ bind: { address: '127.0.0.1' } })
    await t.close()
    expect(() => t.send({ address: '127.0.0.1', port: 9 }, Uint8Array.of(1))).toThrow(TransportClosedError)
  })

  it('leaves no UDP handle open after close()', async () => {
    const udpHandles = () => process.getActiveResourcesInfo().filter((name) => name === 'UDPWrap').length
    await sleep(20) // let libuv free the handles earlier tests closed
    const before = udpHandles()
    const t = await createUdpTransport({
      bind: { address: '127.0.0.1' },
      separateSendSocket: true,
      multicast: { interface: '127.0.0.1' },
    })
    expect(udpHandles()).toBe(before + 2)
    await t.close()
    // The descriptors are closed by now; libuv frees its handles on the next loop iteration.
    expect(await waitUntil(() => udpHandles() === before, 10_000)).toBe(true)
  })

  it('applies buffer sizes and broadcast without error', async () => {
    const t = await transport({
      bind: { address: '127.0.0.1' },
      receiveBufferSize: 1 << 20,
      sendBufferSize: 1 << 20,
      broadcast: true,
    })
    expect(t.localAddress().address).toBe('127.0.0.1')
  })
})

describe('UdpTransport errors', () => {
  it('reports a failed send (EMSGSIZE) through onError without throwing', async () => {
    const t = await transport({ bind: { address: '127.0.0.1' } })
    const errors = errorsOf(t)
    t.send({ address: '127.0.0.1', port: 9 }, new Uint8Array(70_000))
    expect(await waitUntil(() => errors.length > 0)).toBe(true)
    expect(errors[0]).toMatchObject({ code: 'EMSGSIZE' })
  })

  it('reports an exception thrown by the datagram handler and keeps receiving', async () => {
    const [a, b] = [
      await transport({ bind: { address: '127.0.0.1' } }),
      await transport({ bind: { address: '127.0.0.1' } }),
    ]
    const errors = errorsOf(b)
    let calls = 0
    b.onDatagram(() => {
      calls++
      throw new Error('engine bug')
    })
    a.send(b.localAddress(), Uint8Array.of(1))
    a.send(b.localAddress(), Uint8Array.of(2))
    expect(await waitUntil(() => calls === 2)).toBe(true)
    expect(errors.map((e) => e.message)).toEqual(['engine bug', 'engine bug'])
  })

  it('throws InvalidArgumentError for a host name or an address of the other family', async () => {
    const t = await transport({ bind: { address: '127.0.0.1' } })
    expect(() => t.send({ address: 'localhost', port: 9 }, Uint8Array.of(1))).toThrow(
      /never resolves host names/,
    )
    expect(() => t.send({ address: '::1', port: 9 }, Uint8Array.of(1))).toThrow(InvalidArgumentError)
  })

  it('throws InvalidArgumentError for a group destination when no multicast interface is configured', async () => {
    const t = await transport({ bind: { address: '127.0.0.1' } })
    expect(() => t.send({ address: '239.255.28.12', port: 9 }, Uint8Array.of(1))).toThrow(
      /multicast.interface/,
    )
  })

  it('stops reporting errors after close()', async () => {
    const t = await createUdpTransport({ bind: { address: '127.0.0.1' } })
    const errors = errorsOf(t)
    t.send({ address: '127.0.0.1', port: 9 }, new Uint8Array(70_000))
    await t.close()
    await sleep(20)
    expect(errors).toEqual([])
  })
})

describe('createUdpTransport() options', () => {
  it.each([
    [{ bind: { address: 'localhost' } }, InvalidArgumentError, /IP literal/],
    [{ bind: { address: '127.0.0.1', port: 70_000 } }, InvalidArgumentError, /bind.port/],
    [{ bind: { address: '::1' }, family: 'udp4' as const }, InvalidArgumentError, /family/],
    [{ family: 'udp5' as 'udp4' }, InvalidArgumentError, /family/],
    [
      { multicast: { group: '239.255.28.12' } as unknown as { interface: string } },
      InvalidArgumentError,
      /multicast.interface is required/,
    ],
    [{ multicast: { group: '10.0.0.1', interface: '127.0.0.1' } }, InvalidArgumentError, /multicast.group/],
    [{ multicast: { interface: '127.0.0.1', ttl: 256 } }, InvalidArgumentError, /multicast.ttl/],
    [
      { announce: { group: '224.0.0.251', port: 0, interface: '127.0.0.1' } },
      InvalidArgumentError,
      /announce.port/,
    ],
    [
      { announce: { group: 'ff02::fb', port: 2221, interface: '127.0.0.1' } },
      InvalidArgumentError,
      /announce.group/,
    ],
    [{ receiveBufferSize: -1 }, InvalidArgumentError, /receiveBufferSize/],
    [{ reuseAddress: 'yes' as unknown as boolean }, InvalidArgumentError, /reuseAddress/],
  ])('rejects %j', async (options, type, message) => {
    const attempt = createUdpTransport(options)
    await expect(attempt).rejects.toThrow(type)
    await expect(attempt).rejects.toThrow(message)
  })
})
