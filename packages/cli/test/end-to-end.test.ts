import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

// Every server binds 127.0.0.1; clients send to 127.0.0.1 only.
const PSK_ID = 'cli-psk-client-1'
const ECC_ID = 'cli-ecc-client-1'
const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-e2e-'))
let psk = ''
let serverKeys = { publicKey: '', secretKey: '' }
let clientKeys = { publicKey: '', secretKey: '' }
let server: RunningServer
const servers: RunningServer[] = []

async function run(argv: string[], options?: ConstructorParameters<typeof FakeIo>[0]) {
  const fake = new FakeIo(options)
  const status = await main(argv, fake.io)
  return { status, fake }
}

async function json<T>(argv: string[]): Promise<T> {
  return JSON.parse((await run(argv)).fake.stdout) as T
}

beforeAll(async () => {
  psk = (await run(['keygen', 'psk'])).fake.stdout.trim()
  serverKeys = await json(['keygen', 'ecc'])
  clientKeys = await json(['keygen', 'ecc'])
})

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function serveBroker(): Promise<RunningServer> {
  const clients = join(dir, 'clients.json')
  await writeFile(clients, JSON.stringify({ ecc: { [ECC_ID]: clientKeys.publicKey } }))
  await writeFile(join(dir, 'psk.key'), psk)
  const running = await startServe(
    [
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--psk-client',
      `${PSK_ID}=@${join(dir, 'psk.key')}`,
      '--clients',
      clients,
      '--echo',
      '401',
      '--broker',
    ],
    { PAVILLION_SECRET_KEY: serverKeys.secretKey },
  )
  servers.push(running)
  return running
}

const pskFlags = () => ['--client-id', PSK_ID, '--psk', psk]
const eccFlags = () => [
  '--client-id',
  ECC_ID,
  '--secret-key',
  clientKeys.secretKey,
  '--server-key',
  serverKeys.publicKey,
]

describe('serve, call, pub, sub and ping over 127.0.0.1', () => {
  it('calls an echo function with PSK and ECC credentials, as text, hex and NDJSON', async () => {
    server = await serveBroker()
    const address = `127.0.0.1:${server.port}`
    const text = await run(['call', address, '401', 'hello', ...pskFlags()])
    expect([text.status, text.fake.stdout, text.fake.stderr]).toEqual([0, 'hello\n', ''])

    const hex = await run(['call', address, '401', '00ff10', '--hex', ...eccFlags()])
    expect([hex.status, hex.fake.stdout]).toEqual([0, '00ff10\n'])

    const viaEnv = await run(['call', address, '0', '--json', '--client-id', PSK_ID], {
      env: { PAVILLION_PSK: psk },
    })
    expect(viaEnv.status).toBe(0)
    expect(viaEnv.fake.records()).toEqual([
      { event: 'result', fn: 0, result: { hex: '', text: '' }, elapsed: expect.any(Number) },
    ])
    const stdin = await run(['call', address, '401', '--stdin', ...pskFlags()], { stdin: 'from stdin' })
    expect(stdin.fake.stdout).toBe('from stdin\n')

    const events = server.fake.records().map((r) => r.event)
    expect(events[0]).toBe('listening')
    expect(events).toContain('session:opened')
    expect(events).toContain('rpc:served')
  })

  it('exits 1 with one line for a remote error and for an unknown client ID', async () => {
    server = await serveBroker()
    const address = `127.0.0.1:${server.port}`
    const missing = await run(['call', address, '999', ...pskFlags()])
    expect(missing.status).toBe(1)
    expect(missing.fake.stderr).toMatch(
      /^pavillion call: function 999 on 127\.0\.0\.1:\d+ failed with status 2 \(NonexistentFunction\)/,
    )
    expect(missing.fake.stderr.trimEnd().split('\n')).toHaveLength(1)

    const stranger = await run([
      'call',
      address,
      '0',
      '--client-id',
      'nobody-knows-me!',
      '--psk',
      psk,
      '--timeout',
      '3000',
    ])
    expect(stranger.status).toBe(1)
    expect(stranger.fake.stderr).toMatch(
      /answered but did not accept client ID nobody-knows-me! with this key .*; check --client-id/,
    )
  })

  it('publishes with a delivery report, and a subscriber gets the brokered message', async () => {
    server = await serveBroker()
    const address = `127.0.0.1:${server.port}`
    const fake = new FakeIo()
    const subscribed = main(['sub', address, 'lights', '--count', '1', '--json', ...eccFlags()], fake.io)
    expect(await waitUntil(() => server.fake.records().some((r) => r.event === 'session:opened'))).toBe(true)

    const published = await run(['pub', address, 'lights', 'kitchen', 'on', '--json', ...pskFlags()])
    expect(published.status).toBe(0)
    const [report] = published.fake.records()
    expect(report).toMatchObject({
      event: 'published',
      target: 'lights',
      name: 'kitchen',
      outcome: 'acknowledged',
      missing: [],
    })
    expect(report?.acked).toHaveLength(1)

    expect(await subscribed).toBe(0)
    expect(fake.records()).toEqual([
      {
        event: 'message:received',
        target: 'lights',
        name: 'kitchen',
        payload: { hex: '6f6e', text: 'on' },
        reliable: true,
        from: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      },
    ])
    const received = server.fake.records().find((r) => r.event === 'message:received')
    expect(received).toMatchObject({
      target: 'lights',
      name: 'kitchen',
      payload: { text: 'on' },
      from: { id: PSK_ID },
    })

    const twice = await run(['pub', address, 'lights', 'hall', '--unreliable', '--count', '2', ...pskFlags()])
    expect(twice.status).toBe(0)
    expect(twice.fake.lines()).toEqual([
      'lights/hall: sent (unreliable, 1 recipient(s))',
      'lights/hall: sent (unreliable, 1 recipient(s))',
    ])
  })

  it('sub exits 1 when --count is not reached within --timeout, 0 without --count', async () => {
    server = await serveBroker()
    const address = `127.0.0.1:${server.port}`
    const short = await run(['sub', address, 'quiet', '--count', '1', '--timeout', '300', ...pskFlags()])
    expect(short.status).toBe(1)
    expect(short.fake.stderr).toMatch(/received 0 of 1 messages within 300 ms/)
    const open = await run(['sub', address, 'quiet', '--timeout', '200', ...pskFlags()])
    expect(open.status).toBe(0)
  })

  it('ping prints each round trip and the statistics', async () => {
    server = await serveBroker()
    const { status, fake } = await run([
      'ping',
      `127.0.0.1:${server.port}`,
      '--count',
      '3',
      '--interval',
      '1',
      '--json',
      ...pskFlags(),
    ])
    expect(status).toBe(0)
    const records = fake.records()
    expect(records.map((r) => r.event)).toEqual(['reply', 'reply', 'reply', 'summary'])
    expect(records[3]).toMatchObject({ sent: 3, received: 3, loss: 0 })
  })

  it('--debug and DEBUG=pavillion:* trace every datagram on stderr, without key material', async () => {
    server = await serveBroker()
    const address = `127.0.0.1:${server.port}`
    for (const [flags, env] of [
      [['--debug'], {}],
      [[], { DEBUG: 'pavillion:*' }],
    ] as const) {
      const { status, fake } = await run(['call', address, '0', 'traced', ...flags, ...pskFlags()], { env })
      expect(status).toBe(0)
      expect(fake.stdout).toBe('traced\n')
      const lines = fake.stderr.trimEnd().split('\n')
      for (const line of lines)
        expect(line).toMatch(
          /^pavillion:packet \+[\d.]+ms (in |out) 127\.0\.0\.1:\d+ \d+ B (secure counter=\d+|setup [a-z-]+)$/,
        )
      expect(lines[0]).toMatch(/out .* setup nonce-request$/)
      expect(fake.stderr).not.toContain(psk)
    }
  })

  it('an interrupted call exits 130 and says so', async () => {
    const fake = new FakeIo()
    const status = main(['call', '127.0.0.1:9', '0', '--timeout', '10000', ...pskFlags()], fake.io)
    await new Promise((resolve) => setTimeout(resolve, 50))
    fake.interrupt()
    expect(await status).toBe(130)
    expect(fake.stderr).toBe('pavillion call: interrupted by SIGINT\n')
  })

  it('serve closes cleanly on an interrupt and says so last', async () => {
    server = await serveBroker()
    servers.splice(servers.indexOf(server), 1)
    expect(await server.stop()).toBe(0)
    expect(server.fake.records().at(-1)).toEqual({ event: 'closed' })
  })
})

describe('bad input exits 2 with one line that says what to do', () => {
  const cases: [string[], RegExp][] = [
    [['call', '127.0.0.1:1', '0'], /no credentials: give --psk KEY with --client-id ID/],
    [
      ['call', '127.0.0.1:1', '0', '--psk', 'abc', '--client-id', PSK_ID],
      /--psk: PSK: .*\(64 hex characters or base64/,
    ],
    [['call', '127.0.0.1:1', '0', '--psk', 'ab'.repeat(32)], /--psk needs --client-id/],
    [
      ['call', '127.0.0.1:1', '0', '--psk', 'ab'.repeat(32), '--client-id', 'short'],
      /--client-id: client ID must be/,
    ],
    [['call', '127.0.0.1:1', '0', '--secret-key', 'ab'.repeat(32)], /--secret-key needs --server-key/],
    [['call', '239.255.28.12:1783', '0'], /multicast group: give --interface ADDR/],
    [['call', 'not an address', '0'], /"ADDR": "not an address" is neither an IP address nor a host name/],
    [['call', '127.0.0.1:1', '70000'], /: FN expected an integer 0–65535/],
    [['call', '127.0.0.1:1', '0', 'x', '--stdin'], /not both/],
    [['pub', '127.0.0.1:1', 't'], /missing NAME/],
    [
      ['pub', '127.0.0.1:1', 't', 'n', '--expect', 'connected'],
      /--expect expected subscribers, all, any, got "connected"/,
    ],
    [['sub', '127.0.0.1:1'], /missing ADDR or TARGET/],
    [['serve', '--port', '0'], /nobody could connect/],
    [
      ['serve', '--multicast', '239.255.28.12', '--allow-guests'],
      /--allow-guests needs|--multicast needs --interface/,
    ],
    [['serve', '--port', '0', '--psk-client', 'nokey'], /--psk-client expected ID=KEY/],
    [['serve', '--port', '0', '--psk-client', `${PSK_ID}=zz`], /--psk-client \(cli-psk-client-1\): PSK/],
    [
      ['serve', '--port', '0', '--clients', '/nonexistent/clients.json'],
      /--clients \/nonexistent\/clients.json: ENOENT/,
    ],
    [
      ['serve', '--port', '0', '--bind', 'localhost', '--allow-guests', '--secret-key', 'ab'.repeat(32)],
      /"bind" expected an IP address/,
    ],
    [
      ['call', '127.0.0.1:1', '0', '--psk', '@/nonexistent/psk', '--client-id', PSK_ID],
      /--psk @\/nonexistent\/psk: cannot read the file/,
    ],
    [['call', '127.0.0.1:1', '0', '--client-id', PSK_ID], /no credentials/],
    [
      ['serve', '--allow-guests', '--secret-key', 'ab'.repeat(32), '--files', '/nonexistent/dir'],
      /--files \/nonexistent\/dir: not a directory/,
    ],
  ]
  it.each(cases)('%j', async (argv, message) => {
    const { status, fake } = await run(argv, { env: {} })
    expect(fake.stderr).toMatch(message)
    expect(status).toBe(2)
    expect(fake.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(fake.stdout).toBe('')
  })

  it('says when both secrets are in the environment', async () => {
    const { status, fake } = await run(['call', '127.0.0.1:1', '0', '--client-id', PSK_ID], {
      env: { PAVILLION_PSK: 'ab'.repeat(32), PAVILLION_SECRET_KEY: 'cd'.repeat(32) },
    })
    expect(status).toBe(2)
    expect(fake.stderr).toMatch(/both PAVILLION_PSK and PAVILLION_SECRET_KEY are set/)
  })
})
