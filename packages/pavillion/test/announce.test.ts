import { createSocket, type Socket } from 'node:dgram'
import { setTimeout as sleep } from 'node:timers/promises'
import { loopbackMulticastProblem, notInPrivateNamespace } from '@pavillion/test-utils'
import { hex, loadVectors, toHex } from '@pavillion/test-vectors'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createClient,
  createServer,
  generatePsk,
  type PavillionClientOptions,
  type PavillionServerOptions,
  type PresharedKey,
} from '../src/index.ts'
import { Closer, freePort, GROUP, text, waitUntil } from './support/loopback.ts'

// Every datagram goes to 127.0.0.x, or to a group through the interface 127.0.0.1, in a private namespace.
const LOOPBACK = '127.0.0.1'
const ANNOUNCE = { address: '224.0.0.251', port: 2221 }
const ID = 'announce-test-c1'
/** The reference server's start-up announcement, recorded (the same 20 bytes in both modes). */
const codec = loadVectors('codec')
const VECTOR: string = codec.announcements.unicast_server[0].hex
/** Timers that would re-handshake on their own, pushed far past every wait here. */
const SLOW = { keepaliveInterval: 600_000, handshakeRetryInitial: 600_000, disconnectAfter: 600_000 }

const closer = new Closer()
afterEach(() => closer.closeAll())

interface Heard {
  readonly hex: string
  readonly from: { address: string; port: number }
}

/** A plain socket, as a reference peer or a forger would have: bound to (address, port), maybe joined to a group. */
async function rawSocket(
  address: string,
  port = 0,
  group?: string,
): Promise<{ socket: Socket; heard: Heard[] }> {
  const socket = createSocket({ type: 'udp4', reuseAddr: true })
  const heard: Heard[] = []
  socket.on('message', (bytes, from) =>
    heard.push({ hex: toHex(bytes), from: { address: from.address, port: from.port } }),
  )
  await new Promise<void>((resolve) => socket.bind(port, address, resolve))
  socket.setMulticastInterface(LOOPBACK)
  if (group !== undefined) socket.addMembership(group, LOOPBACK)
  closer.add({ close: () => new Promise<void>((resolve) => socket.close(() => resolve())) })
  return { socket, heard }
}

function send(socket: Socket, bytes: Uint8Array, to: { address: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(bytes, to.port, to.address, (error) => (error ? reject(error) : resolve())),
  )
}

function server(psk: PresharedKey, options: PavillionServerOptions) {
  return createServer({ clients: { psk: { [ID]: psk } }, ...options }).then((s) => closer.add(s))
}

function client(psk: PresharedKey, options: PavillionClientOptions) {
  return createClient({ clientId: ID, psk, timing: SLOW, ...options }).then((c) => closer.add(c))
}

/** Nonce requests (opcode 1, 101 bytes) among what a socket heard. */
const nonceRequests = (heard: readonly Heard[]) =>
  heard.filter((h) => h.hex.length === 202 && h.hex.slice(38, 40) === '01')

const problem = notInPrivateNamespace() ?? (await loopbackMulticastProblem())

describe.skipIf(problem !== undefined)(
  `start-up announcements over real UDP (PROTOCOL.md §2.6, §5.6)${problem ? ` — skipped: ${problem}` : ''}`,
  () => {
    it('a unicast server with announce: { interface } sends the reference datagram three times to 224.0.0.251:2221', async () => {
      const listener = await rawSocket(ANNOUNCE.address, ANNOUNCE.port, ANNOUNCE.address)
      const s = await server(await generatePsk(), {
        bind: LOOPBACK,
        port: 0,
        announce: { interface: LOOPBACK },
      })
      const ours = () => listener.heard.filter((h) => h.from.port === s.sendAddress.port)
      expect(await waitUntil(() => ours().length >= 3)).toBe(true)
      await sleep(200) // nothing after the third
      expect(ours()).toEqual(Array(3).fill({ hex: VECTOR, from: s.sendAddress }))
      expect(codec.announcements.unicast_server.map((a: Heard & { dst: unknown }) => a.dst)).toEqual(
        Array(3).fill([ANNOUNCE.address, ANNOUNCE.port]),
      )
    })

    it('a multicast server sends it three times to (its group, its port), and not without asking in unicast', async () => {
      const port = await freePort()
      const listener = await rawSocket(GROUP, port, GROUP)
      const quiet = await rawSocket(ANNOUNCE.address, ANNOUNCE.port, ANNOUNCE.address)
      const psk = await generatePsk()
      const s = await server(psk, { port, multicast: { group: GROUP, interface: LOOPBACK } })
      const unicast = await server(psk, { bind: LOOPBACK, port: 0 })
      expect(await waitUntil(() => listener.heard.length >= 3)).toBe(true)
      await sleep(200)
      // Its send socket is bound to every interface: the datagrams leave from the interface's address.
      const from = { address: LOOPBACK, port: s.sendAddress.port }
      expect(listener.heard).toEqual(Array(3).fill({ hex: VECTOR, from }))
      expect(quiet.heard.filter((h) => h.from.port === unicast.sendAddress.port)).toEqual([])
    })

    it('a unicast client re-handshakes as soon as its restarted server announces, not at a timer', async () => {
      const psk = await generatePsk()
      const options = { bind: LOOPBACK, announce: { interface: LOOPBACK } } as const
      const first = await server(psk, { ...options, port: 0 })
      const port = first.address.port
      const c = await client(psk, { address: `${LOOPBACK}:${port}`, ...options })
      await c.waitForServer({ timeout: 5000 })
      await first.close()
      const second = await server(psk, { ...options, port })
      second.rpc.handle(401, () => new TextEncoder().encode('second'))
      // Its keepalive, retry and disconnect timers are ten minutes away: only the announcement can do it.
      expect(await waitUntil(() => second.sessions().length === 1, 5000)).toBe(true)
      expect(text(await c.call(401, '', { timeout: 5000 }))).toBe('second')
    })

    it('without announce the same client does not notice the restart before its timers', async () => {
      const psk = await generatePsk()
      const first = await server(psk, { bind: LOOPBACK, port: 0, announce: { interface: LOOPBACK } })
      const port = first.address.port
      const c = await client(psk, { address: `${LOOPBACK}:${port}`, bind: LOOPBACK })
      await c.waitForServer({ timeout: 5000 })
      await first.close()
      const second = await server(psk, { bind: LOOPBACK, port, announce: { interface: LOOPBACK } })
      await sleep(1000)
      expect(second.sessions()).toEqual([])
    })

    it('a multicast client (announce on by default) re-handshakes with a restarted group member at once', async () => {
      const psk = await generatePsk()
      const port = await freePort()
      const multicast = { group: GROUP, interface: LOOPBACK }
      const first = await server(psk, { port, multicast })
      const c = await client(psk, {
        address: `${GROUP}:${port}`,
        multicastInterface: LOOPBACK,
        bind: LOOPBACK,
      })
      await c.waitForServer({ timeout: 5000 })
      await first.close()
      const second = await server(psk, { port, multicast })
      expect(await waitUntil(() => second.sessions().length === 1, 5000)).toBe(true)
    })

    it("a reference peer's announcement (the vector's bytes) draws a nonce request to its source at once", async () => {
      const destination = await rawSocket(LOOPBACK) // the server's listening socket: it never answers
      const port = destination.socket.address().port
      await client(await generatePsk(), {
        address: `${LOOPBACK}:${port}`,
        bind: LOOPBACK,
        announce: { interface: LOOPBACK },
      })
      expect(await waitUntil(() => nonceRequests(destination.heard).length === 1)).toBe(true) // the start-up one
      const reference = await rawSocket(LOOPBACK) // the reference's new send socket
      await send(reference.socket, hex(VECTOR), ANNOUNCE)
      expect(await waitUntil(() => nonceRequests(reference.heard).length === 1, 5000)).toBe(true)
      await sleep(200)
      expect(nonceRequests(destination.heard)).toHaveLength(1)
    })

    it('forged announcements cost at most the rate-limited nonce requests, never the session', async () => {
      const psk = await generatePsk()
      const s = await server(psk, { bind: LOOPBACK, port: 0 })
      s.rpc.handle(401, () => new TextEncoder().encode('still here'))
      const c = await client(psk, {
        address: `${LOOPBACK}:${s.address.port}`,
        bind: LOOPBACK,
        announce: { interface: LOOPBACK },
      })
      await c.waitForServer({ timeout: 5000 })
      const disconnected: unknown[] = []
      c.on('server:disconnected', (e) => disconnected.push(e))
      const handshakes = s.stats().engine.handshakes
      // Another host: not the server's, ignored. The server's host, another port: answered within the budget.
      const elsewhere = await rawSocket('127.0.0.9')
      const sameHost = await rawSocket(LOOPBACK)
      for (let i = 0; i < 50; i++) {
        await send(elsewhere.socket, hex(VECTOR), ANNOUNCE)
        await send(sameHost.socket, hex(VECTOR), ANNOUNCE)
      }
      expect(await waitUntil(() => nonceRequests(sameHost.heard).length >= 1, 5000)).toBe(true)
      await sleep(500)
      expect(nonceRequests(sameHost.heard).length).toBeLessThanOrEqual(9) // PROTOCOL.md §9.5
      expect(elsewhere.heard).toEqual([])
      expect(text(await c.call(401, '', { timeout: 5000 }))).toBe('still here')
      expect(s.sessions()).toHaveLength(1)
      expect(s.stats().engine.handshakes).toBe(handshakes)
      expect(disconnected).toEqual([])
    })
  },
)
