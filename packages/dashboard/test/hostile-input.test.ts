import { get } from 'node:http'
import { exportKey } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import { type Dashboard, MAX_COMMANDS_PER_PAGE, MAX_PAGE_MESSAGE, startDashboard } from '../src/index.ts'
import { startNetwork, type TestNetwork } from './support/network.ts'
import { type Inbox, type OpenSocket, openSocket } from './support/socket.ts'

/** The status of a GET with this Host header (fetch does not let a caller choose it). */
function statusFor(url: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { host } }, (response) => {
      response.resume()
      resolve(response.statusCode)
    }).on('error', reject)
  })
}

describe('what the page sends is hostile input', () => {
  let network: TestNetwork
  let dashboard: Dashboard
  let socket: WebSocket
  let inbox: Inbox
  let wsUrl: string
  let origin: string
  let release: () => void = () => {}

  beforeAll(async () => {
    network = await startNetwork()
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    network.servers[0].rpc.handle(403, async () => {
      await held
      return new Uint8Array(0)
    })
    dashboard = await startDashboard({ clients: network.clients, servers: [network.hub], port: 0 })
    origin = new URL(dashboard.url).origin
    wsUrl = `${origin.replace(/^http/, 'ws')}/ws`
    ;({ socket, inbox } = (await openSocket(wsUrl, { origin })) as OpenSocket)
    await inbox.next((m) => m.type === 'hello')
  })

  afterAll(async () => {
    release()
    socket?.terminate()
    await dashboard?.close()
    await network?.close()
  })

  const reply = (id: number) => inbox.next((m) => m.type === 'reply' && m.id === id)
  const good = { type: 'call', node: 'c0', fn: 401, args: 'abc', timeout: 5000 }

  it.each([
    ['not JSON', '{', null],
    ['an array', '[1,2]', null],
    ['a string', '"call"', null],
    ['no id', JSON.stringify({ ...good, id: undefined }), null],
    ['an id that is not an integer', JSON.stringify({ ...good, id: 1.5 }), null],
    ['an unknown type', JSON.stringify({ ...good, id: 11, type: 'shutdown' }), 11],
    ['an unknown node', JSON.stringify({ ...good, id: 12, node: 'c99' }), 12],
    ['a server node for a call', JSON.stringify({ ...good, id: 13, node: 's0' }), 13],
    ['a function out of range', JSON.stringify({ ...good, id: 14, fn: 70000 }), 14],
    ['arguments that are not a string', JSON.stringify({ ...good, id: 15, args: { a: 1 } }), 15],
    ['malformed hex', JSON.stringify({ ...good, id: 16, args: 'abc', encoding: 'hex' }), 16],
    ['an unknown encoding', JSON.stringify({ ...good, id: 17, encoding: 'base64' }), 17],
    ['a timeout too long', JSON.stringify({ ...good, id: 18, timeout: 3_600_000 }), 18],
    ['a text too long', JSON.stringify({ ...good, id: 19, args: 'x'.repeat(9000) }), 19],
    [
      'a publish without target',
      JSON.stringify({ type: 'publish', id: 20, node: 'c0', name: 'n', payload: '', timeout: 1000 }),
      20,
    ],
    ['a prototype key', '{"__proto__":{"id":1},"type":"call"}', null],
  ])('answers %s with an error and carries on', async (_what, text, id) => {
    const before = inbox.messages.filter((m) => m.type === 'reply' && m.ok === false).length
    socket.send(text)
    const found = await inbox.next(
      (m) =>
        m.type === 'reply' &&
        m.ok === false &&
        (id === null
          ? inbox.messages.filter((x) => x.type === 'reply' && x.ok === false).length > before
          : m.id === id),
    )
    expect(found).toMatchObject({
      ok: false,
      error: { name: expect.any(String), code: 'ERR_INVALID_ARGUMENT', message: expect.any(String) },
    })
    expect(JSON.stringify(found)).not.toMatch(/at .*\.ts:\d+/) // no stack
  })

  it('answers binary frames with an error', async () => {
    const before = inbox.messages.length
    socket.send(Buffer.from([1, 2, 3]))
    await inbox.next((m) => inbox.messages.indexOf(m) >= before && m.type === 'reply' && m.ok === false)
  })

  it('still runs a good command afterwards', async () => {
    socket.send(JSON.stringify({ ...good, id: 100 }))
    expect(await reply(100)).toMatchObject({ ok: true, kind: 'call', result: { text: 'cba', hex: '636261' } })
  })

  it(`runs at most ${MAX_COMMANDS_PER_PAGE} commands at once per page`, async () => {
    for (let i = 0; i < MAX_COMMANDS_PER_PAGE; i++) {
      socket.send(JSON.stringify({ ...good, id: 200 + i, fn: 403, timeout: 20_000 }))
    }
    const before = inbox.messages.length
    socket.send(JSON.stringify({ ...good, id: 300 }))
    const busy = await inbox.next((m) => inbox.messages.indexOf(m) >= before && m.type === 'reply')
    expect(busy).toMatchObject({ ok: false, error: { message: expect.stringContaining('busy') } })
    release()
    for (let i = 0; i < MAX_COMMANDS_PER_PAGE; i++) expect(await reply(200 + i)).toMatchObject({ ok: true })
  })

  it('closes a socket that sends more than the largest message (1009), and keeps serving others', async () => {
    const { socket: big } = (await openSocket(wsUrl, { origin })) as OpenSocket
    const closed = new Promise<number>((resolve) => big.once('close', resolve))
    big.send('x'.repeat(MAX_PAGE_MESSAGE + 1))
    expect(await closed).toBe(1009)
    socket.send(JSON.stringify({ ...good, id: 400 }))
    expect(await reply(400)).toMatchObject({ ok: true })
  })

  it('serves only the known files, refuses other hosts, and never sends a key to the page', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(200)
    expect((await fetch(`${origin}/uplot.js`)).status).toBe(200)
    expect((await fetch(`${origin}/../package.json`)).status).toBe(404)
    expect((await fetch(`${origin}/src/dashboard.ts`)).status).toBe(404)
    expect([404, 413]).toContain(
      (await fetch(`${origin}/`, { method: 'POST', body: 'x'.repeat(5000) })).status,
    )
    expect(await statusFor(`${origin}/`, 'evil.example')).toBe(421)
    expect(await statusFor(`${origin}/`, 'localhost:1')).toBe(421)
    const page = await fetch(`${origin}/`)
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'")
    const hello = JSON.stringify(inbox.messages.find((m) => m.type === 'hello'))
    const ticks = JSON.stringify(await inbox.next((m) => m.type === 'tick'))
    const psk = exportKey(network.psk)
    for (const text of [hello, ticks]) {
      expect(text).toContain('127.0.0.1')
      expect(text.toLowerCase()).not.toContain(psk)
      expect(text).not.toContain(Buffer.from(psk, 'hex').toString('base64'))
    }
  })
})
