import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

// Everything binds 127.0.0.1; the dashboard's clients send to 127.0.0.1 only.
const ID = 'cli-ui-client-01'
const SENSOR = 'cli-ui-sensor-01'
let psk = ''
const servers: RunningServer[] = []

async function run(argv: string[]) {
  const fake = new FakeIo()
  return { status: await main(argv, fake.io), fake }
}

beforeAll(async () => {
  psk = (await run(['keygen', 'psk'])).fake.stdout.trim()
  for (let i = 0; i < 2; i++) {
    servers.push(
      await startServe([
        '--port',
        '0',
        '--bind',
        '127.0.0.1',
        '--psk-client',
        `${ID}=${psk}`,
        '--echo',
        '401',
      ]),
    )
  }
})
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

describe('pavillion ui', () => {
  it.each([
    [[], 'nothing to show'],
    [['--listen', '127.0.0.1:0'], '--listen needs at least one --psk-client'],
    [['--psk-client', `${SENSOR}=00`], '--psk-client is for the server of --listen'],
    [['127.0.0.1:1783'], 'no credentials'],
    [['127.0.0.1:1783', '--client-id', ID, '--psk', 'short'], '--psk'],
    [
      ['127.0.0.1:1783', '--port', '99999', '--client-id', ID, '--psk', '0'.repeat(64)],
      '--port expected an integer',
    ],
    [['239.255.28.12:1783', '--client-id', ID, '--psk', '0'.repeat(64)], 'multicast group'],
    [['--frob'], 'Unknown option'],
    [['--discover', 'eth0'], '--discover expected an IP address'],
  ])('%j is bad input: exit 2', async (argv, message) => {
    const { status, fake } = await run(['ui', ...argv])
    expect(status).toBe(2)
    expect(fake.stderr).toContain(message)
  })

  it('an HTTP address in use is bad input too', async () => {
    const first = new FakeIo()
    const running = main(
      ['ui', '--json', '--port', '0', '--listen', '127.0.0.1:0', '--psk-client', `${SENSOR}=${psk}`],
      first.io,
    )
    expect(await waitUntil(() => first.lines().length > 0, 10_000)).toBe(true)
    const { port } = first.records()[0] as { port: number }
    const { status, fake } = await run([
      'ui',
      '--port',
      String(port),
      '--listen',
      '127.0.0.1:0',
      '--psk-client',
      `${SENSOR}=${psk}`,
    ])
    expect(status).toBe(2)
    expect(fake.stderr).toContain('already in use')
    first.interrupt()
    expect(await running).toBe(0)
  })

  it('serves the dashboard over two servers and its own server until interrupted', async () => {
    const fake = new FakeIo()
    const status = main(
      [
        'ui',
        ...servers.map((s) => `127.0.0.1:${s.port}`),
        '--json',
        '--port',
        '0',
        '--client-id',
        ID,
        '--psk',
        psk,
        '--listen',
        '127.0.0.1:0',
        '--psk-client',
        `${SENSOR}=${psk}`,
      ],
      fake.io,
    )
    expect(await waitUntil(() => fake.lines().length > 0, 10_000)).toBe(true)
    const listening = fake.records()[0] as {
      event: string
      url: string
      token: string | null
      listening: string
    }
    expect(listening).toMatchObject({
      event: 'listening',
      token: null,
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/),
    })
    expect(listening.listening).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(fake.stdout).not.toContain(psk)

    const page = await fetch(listening.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Pavillion dashboard')
    const origin = new URL(listening.url).origin
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers: { origin } })
    const seen: Record<string, unknown>[] = []
    socket.on('message', (data) => seen.push(JSON.parse(String(data)) as Record<string, unknown>))
    const serversListed = () =>
      seen.some(
        (m) =>
          Array.isArray(m.nodes) &&
          (m.nodes as { kind: string; peers: unknown[] }[]).filter(
            (n) => n.kind === 'client' && n.peers.length === 1,
          ).length === 2,
      )
    expect(await waitUntil(serversListed, 15_000)).toBe(true)
    socket.send(JSON.stringify({ type: 'call', id: 1, node: 'c1', fn: 401, args: 'hi', timeout: 5000 }))
    expect(await waitUntil(() => seen.some((m) => m.type === 'reply' && m.ok === true), 10_000)).toBe(true)
    expect(JSON.stringify(seen)).not.toContain(psk)
    socket.close()

    fake.interrupt()
    expect(await status).toBe(0)
    expect(fake.records().at(-1)).toEqual({ event: 'closed' })
  })
})
