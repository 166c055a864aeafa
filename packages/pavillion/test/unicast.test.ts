import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createClient,
  createServer,
  exportKey,
  generateKeyPair,
  generatePsk,
  type Message,
  NoAcknowledgementError,
  type PacketTrace,
  RemoteError,
  RpcError,
  type ServerInfo,
  toHex,
} from '../src/index.ts'
import { Closer, text, waitUntil } from './support/loopback.ts'

const ID = 'unicast-client-1'
const closer = new Closer()
afterEach(() => closer.closeAll())

async function pskPair(extra: Parameters<typeof createServer>[0] = {}) {
  const psk = await generatePsk()
  const server = closer.add(
    await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: psk } }, ...extra }),
  )
  const client = closer.add(
    await createClient({ address: `127.0.0.1:${server.address.port}`, bind: '127.0.0.1', clientId: ID, psk }),
  )
  return { psk, server, client }
}

describe('a PSK client and a server on 127.0.0.1', () => {
  it('calls a function, gets typed remote errors, and uses the reserved functions served by default', async () => {
    const { server, client } = await pskPair()
    server.rpc.handle(401, (args) => args.slice().reverse(), { name: 'reverse' })
    server.rpc.handle(402, () => {
      throw new RpcError(3, 'expected a number')
    })
    expect(text(await client.call(401, 'stressed', { timeout: 2000 }))).toBe('desserts')
    const failure = await client.call(402, new Uint8Array(0), { timeout: 2000 }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RemoteError)
    expect(failure).toMatchObject({ status: 3, text: 'expected a number', code: 'ERR_RPC_REMOTE' })
    expect(text(await client.echo('ping'))).toBe('ping')
    expect(await client.whatIs(401)).toBe('reverse')
    expect((await client.descriptors()).map((d) => d.name)).toContain('reverse')
  })

  it('emits typed events on both sides and publishes both ways', async () => {
    const { server, client } = await pskPair()
    const opened: string[] = []
    server.on('session:opened', ({ client }) => opened.push(text(client.clientId)))
    const connected: ServerInfo[] = []
    client.on('server:connected', ({ server }) => connected.push(server))
    // The engine's mechanism: a listener that throws is reported as an `error` event, never escapes.
    const boom = new Error('listener bug')
    const errors: unknown[] = []
    server.on('session:opened', () => {
      throw boom
    })
    server.on('error', ({ error }) => errors.push(error))
    client.on('server:connected', () => {
      throw boom
    })
    client.on('error', ({ error }) => errors.push(error))
    const removed = client.on('server:connected', () => connected.push(client.servers()[0]!))
    removed()
    const received: Message<unknown>[] = []
    server.subscribe('lights', (m) => {
      received.push(m)
    })
    const report = await client.publish('lights', 'kitchen', 'on')
    expect(report.outcome).toBe('acknowledged')
    expect(report.acked.map((s) => s.key)).toEqual([`127.0.0.1:${server.sendAddress.port}`])
    expect(received.map((m) => [m.target, m.name, text(m.payload)])).toEqual([['lights', 'kitchen', 'on']])
    expect(opened).toEqual([ID])
    expect(connected).toHaveLength(1)
    expect(await waitUntil(() => errors.length === 2)).toBe(true)
    expect(errors).toEqual([boom, boom])

    const pushed = client.messages('alarms')
    const push = await server.publish('alarms', 'door', 'open')
    expect(push.acked.map((c) => text(c.clientId))).toEqual([ID])
    const first = await pushed.next()
    expect(first.done).toBe(false)
    expect(first.value && [first.value.name, text(first.value.payload)]).toEqual(['door', 'open'])
    await pushed.return()
  })

  it('reports the status values the server appends to its acknowledgements', async () => {
    const { client } = await pskPair({ status: () => ({ temperature: 25 }) })
    const statuses: number[] = []
    client.on('server:status', (detail) => statuses.push(detail.status.temperature ?? NaN))
    await client.publish('t', 'n', 'x')
    expect(await waitUntil(() => client.status() !== undefined)).toBe(true)
    expect(client.status()?.temperature).toBe(25)
    expect(statuses).toEqual([25])
  })

  it('rejects a reliable publish nobody acknowledges with NoAcknowledgementError carrying the report', async () => {
    const psk = await generatePsk()
    const client = closer.add(
      await createClient({ address: '127.0.0.1:9', bind: '127.0.0.1', clientId: ID, psk }),
    )
    const error = await client.publish('t', 'n', 'x', { timeout: 200 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NoAcknowledgementError)
    expect((error as NoAcknowledgementError).report.acked).toEqual([])
  })

  it('closes idempotently, by await using, and when the creation signal aborts', async () => {
    const controller = new AbortController()
    const { server, client } = await pskPair({ signal: controller.signal })
    const closed: string[] = []
    client.on('server:disconnected', (detail) => closed.push(detail.reason))
    await client.waitForServer({ timeout: 2000 })
    controller.abort()
    expect(server.closed).toBe(true)
    await server.close()
    expect(await waitUntil(() => closed.length === 1)).toBe(true)
    expect(closed).toEqual(['quit'])
    {
      await using disposable = await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk: await generatePsk(),
      })
      expect(disposable.closed).toBe(false)
      closer.add(disposable)
    }
    await Promise.all([client.close(), client.close()])
    expect(client.closed).toBe(true)
    await expect(client.call(1)).rejects.toMatchObject({ code: 'ERR_CLOSED' })
  })

  it('traces every datagram with size, kind and counter, and never key material', async () => {
    const traces: PacketTrace[] = []
    const psk = await generatePsk()
    const server = closer.add(
      await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [ID]: psk } } }),
    )
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        clientId: ID,
        psk,
        debug: (packet) => traces.push(packet),
      }),
    )
    await client.call(0, 'x', { timeout: 2000 })
    const kinds = traces.map((t) => `${t.direction} ${t.setup ?? t.kind}`)
    expect(kinds.slice(0, 2)).toEqual(['out nonce-request', 'in psk-nonce'])
    expect(kinds).toContain('out secure')
    const secure = traces.find((t) => t.kind === 'secure' && t.direction === 'out')
    expect(typeof secure?.counter).toBe('bigint')
    expect(secure?.size).toBeGreaterThan(19)
    const printed = JSON.stringify(traces, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
    expect(printed).not.toContain(exportKey(psk))
  })
})

describe('the file service', () => {
  it('serves a directory given as `files`', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pavillion-files-'))
    try {
      const { client } = await pskPair({ files: root })
      await client.writeFile('notes.txt', 'hello files')
      expect(text(await client.readFile('notes.txt'))).toBe('hello files')
      expect((await client.listDir('')).map((e) => e.name)).toEqual(['notes.txt'])
      expect(await readFile(join(root, 'notes.txt'), 'utf8')).toBe('hello files')
    } finally {
      await closer.closeAll()
      await rm(root, { recursive: true, force: true })
    }
  })
})

describe('ECC', () => {
  it('connects a registered ECC client with keys given as hex and base64', async () => {
    const serverKeys = await generateKeyPair()
    const clientKeys = await generateKeyPair()
    const server = closer.add(
      await createServer({
        bind: '127.0.0.1',
        port: 0,
        secretKey: exportKey(serverKeys.secretKey),
        clients: { ecc: { [ID]: Buffer.from(clientKeys.publicKey).toString('base64') } },
      }),
    )
    const client = closer.add(
      await createClient({
        address: { address: '127.0.0.1', port: server.address.port },
        bind: '127.0.0.1',
        clientId: ID,
        secretKey: clientKeys.secretKey,
        serverKey: toHex(serverKeys.publicKey),
      }),
    )
    const connected = await client.waitForServer({ timeout: 2000 })
    expect(connected.publicKey).toEqual(serverKeys.publicKey)
    expect(server.sessions().map((s) => [text(s.clientId), s.guest])).toEqual([[ID, false]])
  })

  it('admits a guest when allowed', async () => {
    const serverKeys = await generateKeyPair()
    const server = closer.add(
      await createServer({ bind: '127.0.0.1', port: 0, keyPair: serverKeys, allowGuests: true }),
    )
    const guest = await generateKeyPair()
    const client = closer.add(
      await createClient({
        address: `127.0.0.1:${server.address.port}`,
        bind: '127.0.0.1',
        secretKey: guest.secretKey,
        serverKey: serverKeys.publicKey,
      }),
    )
    await client.waitForServer({ timeout: 2000 })
    expect(server.sessions()[0]?.guest).toBe(true)
  })
})
