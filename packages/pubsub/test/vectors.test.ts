import type { Client, ClientInfo, Server, ServerInfo } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { hex, loadVectors, toHex } from '@pavillion/test-vectors'
import { decodeStatus } from '@pavillion/wire'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClientPubSub, type Message, ServerPubSub, statusProvider } from '../src/index.ts'
import { createWorld, str, text, type World } from './support/world.ts'

// Replays the application plaintexts the Python reference recorded in
// secure_messages.json: our publishes must produce exactly these bytes, and
// these bytes, sent raw through the engine, must reach our subscribers as the
// right (target, name, payload). The sessions are our own (fresh keys); the
// plaintexts are what interoperability rests on.

const doc = loadVectors('secure_messages')
/** The recorded plaintext of the first datagram of `step` sent by `from`. */
function recorded(step: string, from: 'client' | 'server'): string {
  const datagram = doc.datagrams!.find((d) => d.step === step && d.from === from)
  if (datagram?.plaintext === undefined) throw new Error(`no ${from} plaintext in step ${step}`)
  return datagram.plaintext
}

/** Wraps a facade so every plaintext handed to send/sendTracked is recorded, then forwarded. */
function recording<T extends Client | Server>(facade: T, sink: string[]): T {
  return new Proxy(facade, {
    get(target, property) {
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      if (property === 'send' || property === 'sendTracked') {
        return (plaintext: Uint8Array, ...rest: unknown[]) => {
          sink.push(toHex(plaintext))
          return (value as (...args: unknown[]) => unknown).call(target, plaintext, ...rest)
        }
      }
      return (value as (...args: unknown[]) => unknown).bind(target)
    },
  })
}

let world: World
let server: Server
let client: Client
let serverPs: ServerPubSub
let clientPs: ClientPubSub
const fromServer: string[] = []
const fromClient: string[] = []
const atServer: Message<ClientInfo>[] = []
const atClient: Message<ServerInfo>[] = []

beforeEach(async () => {
  world = await createWorld()
  fromServer.length = 0
  fromClient.length = 0
  atServer.length = 0
  atClient.length = 0
  // The recording ran with status reporting fixed to b24619.
  server = world.server(undefined, { status: () => hex(doc.session.status_bytes_when_enabled) })
  client = world.client()
  serverPs = world.track(new ServerPubSub(recording(server, fromServer)))
  clientPs = world.track(new ClientPubSub(recording(client, fromClient)))
  serverPs.subscribeAll((m) => atServer.push(m))
  clientPs.subscribeAll((m) => atClient.push(m))
  await world.run(10)
  // The client said it takes every target (13 '*') and the server acknowledged it.
  expect(fromClient).toEqual(['0d2a'])
  expect(fromServer).toHaveLength(1)
  fromClient.length = 0
  fromServer.length = 0
})
afterEach(async () => {
  await world.close()
})

const fields = (m: Message<unknown>) => [m.target, m.name, str(m.payload), m.reliable]

describe('secure_messages.json plaintexts', () => {
  it('subscribe: listening to T sends exactly 0d54; the recorded 0d54 makes the server a subscriber of T', async () => {
    serverPs.subscribe('T', () => {})
    expect(fromServer).toEqual([recorded('subscribe', 'server')])
    serverPs.close()
    fromServer.length = 0
    server.send(hex(recorded('subscribe', 'server')))
    await world.run(5)
    expect(clientPs.subscribers('T').map((s) => s.key)).toEqual([client.servers()[0]!.key])
  })

  it.each([
    ['reliable_c2s', 'T', 'hello', 'reliable payload c->s', true],
    ['reliable_c2s_with_status', 'T', 'status', 'ack carries status bytes', true],
    ['unreliable_c2s', 'T', 'uhello', 'unreliable payload c->s', false],
  ] as const)(
    '%s: client publish encodes the recorded plaintext, which the server decodes',
    async (step, target, name, body, reliable) => {
      const plaintext = recorded(step, 'client')
      const published = clientPs.publish(target, name, text(body), { reliable })
      await world.run(5)
      await published
      expect(fromClient).toEqual([plaintext])
      const raw = hex(plaintext)
      if (reliable) client.sendTracked(raw)
      else client.send(raw)
      await world.run(5)
      expect(atServer.map(fields)).toEqual([
        [target, name, body, reliable],
        [target, name, body, reliable],
      ])
    },
  )

  it('reliable_c2s_with_status: the recorded status bytes b24619 reach the client as typed status', async () => {
    const published = clientPs.publish('T', 'status', text('ack carries status bytes'))
    await world.run(5)
    const report = await published
    const status = clientPs.status(report.acked[0]!.key)
    expect(status && toHex(status.raw)).toBe('b24619')
    expect(status).toMatchObject({
      battery: { level: 50, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
    })
    expect(status?.battery.percent).toBeCloseTo(79.37, 2)
    expect(decodeStatus(hex('b24619')).battery.state).toBe('charging')
    const provider = statusProvider(() => ({
      battery: { percent: 80, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
    }))
    expect(toHex(provider()!)).toBe('b24619')
  })

  it.each([
    ['reliable_s2c', 'R', 'shello', 'reliable payload s->c', true],
    ['unreliable_s2c', 'R', 'sunrel', 'unreliable payload s->c', false],
  ] as const)(
    '%s: server publish encodes the recorded plaintext, which the client decodes',
    async (step, target, name, body, reliable) => {
      const plaintext = recorded(step, 'server')
      const published = serverPs.publish(target, name, text(body), { reliable })
      await world.run(5)
      await published
      expect(fromServer).toEqual([plaintext])
      const raw = hex(plaintext)
      if (reliable) server.sendTracked(raw)
      else server.send(raw)
      await world.run(5)
      expect(atClient.map(fields)).toEqual([
        [target, name, body, reliable],
        [target, name, body, reliable],
      ])
    },
  )

  it('keepalive: 010a0a is the engine’s, acknowledged but never delivered; publish refuses that shape', async () => {
    const plaintext = recorded('keepalive', 'client')
    expect(plaintext).toBe('010a0a')
    expect(() => clientPs.publish('', '', new Uint8Array(0))).toThrow(InvalidArgumentError)
    expect(fromClient).toEqual([])
    const { done } = client.sendTracked(hex(plaintext))
    await world.run(5)
    expect((await done).outcome).toBe('acknowledged')
    expect(atServer).toEqual([])
    expect(serverPs.stats()).toMatchObject({ delivered: 0, unrouted: 0 })
    // The same shape unreliable is an ordinary (empty) message, and is delivered.
    await clientPs.publish('', '', new Uint8Array(0), { reliable: false })
    expect(fromClient).toEqual(['030a0a'])
    await world.run(5)
    expect(atServer.map(fields)).toEqual([['', '', '', false]])
  })
})
