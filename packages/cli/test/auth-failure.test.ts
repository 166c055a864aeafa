import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

// Every server binds 127.0.0.1; clients send to 127.0.0.1 only. The bound of 4 s against the
// 5 s timeout tells "refused at once" (milliseconds) from "waited out the timeout" on any machine.
const PSK_ID = 'cli-auth-psk-001'
const ECC_ID = 'cli-auth-ecc-001'
const REFUSED =
  /^pavillion call: 127\.0\.0\.1:\d+ answered but did not accept client ID (\S+) with this key \(wrong PSK, or the server does not know this client\); check --client-id/
const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-auth-'))
const servers: RunningServer[] = []
let psk = ''
let serverKeys = { publicKey: '', secretKey: '' }
let clientKeys = { publicKey: '', secretKey: '' }

async function run(argv: string[]) {
  const fake = new FakeIo()
  const started = performance.now()
  const status = await main(argv, fake.io)
  return { status, stderr: fake.stderr, elapsed: performance.now() - started }
}

beforeAll(async () => {
  psk = await keygen('psk')
  serverKeys = JSON.parse(await keygen('ecc'))
  clientKeys = JSON.parse(await keygen('ecc'))
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function keygen(kind: string): Promise<string> {
  const fake = new FakeIo()
  await main(['keygen', kind], fake.io)
  return fake.stdout.trim()
}

async function serve(): Promise<string> {
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
    ],
    { PAVILLION_SECRET_KEY: serverKeys.secretKey },
  )
  servers.push(running)
  return `127.0.0.1:${running.port}`
}

describe('pavillion call against a server that refuses the key', () => {
  it('exits 1 at once, naming authentication, for a wrong PSK', async () => {
    const address = await serve()
    const wrong = await keygen('psk')
    const result = await run([
      'call',
      address,
      '401',
      'hi',
      '--client-id',
      PSK_ID,
      '--psk',
      wrong,
      '--timeout',
      '20000',
    ])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(REFUSED)
    expect(result.stderr).toContain(`client ID ${PSK_ID} `)
    expect(result.elapsed).toBeLessThan(10_000)
  })

  it('exits 1 at once for an ECC key the server does not know (registered ID, other key; unknown ID)', async () => {
    const address = await serve()
    const stranger = JSON.parse(await keygen('ecc')) as { secretKey: string }
    for (const id of [ECC_ID, 'cli-auth-nobody1']) {
      const result = await run([
        'call',
        address,
        '401',
        'hi',
        '--client-id',
        id,
        '--secret-key',
        stranger.secretKey,
        '--server-key',
        serverKeys.publicKey,
        '--timeout',
        '20000',
      ])
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(REFUSED)
      expect(result.stderr).toContain(`client ID ${id} `)
      expect(result.elapsed).toBeLessThan(10_000)
    }
  })

  it('does the same for pub, sub, ping and read', async () => {
    const address = await serve()
    const wrong = await keygen('psk')
    const flags = ['--client-id', PSK_ID, '--psk', wrong, '--timeout', '20000']
    for (const command of [
      ['pub', address, 'lights', 'kitchen', 'on'],
      ['sub', address, 'lights'],
      ['ping', address],
      ['read', address, '1'],
    ]) {
      const result = await run([...command, ...flags])
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(
        new RegExp(`^pavillion ${command[0]}: 127\\.0\\.0\\.1:\\d+ answered but did not accept`),
      )
      expect(result.elapsed).toBeLessThan(10_000)
    }
  })

  it('keeps its own words when no server answers', async () => {
    const result = await run([
      'call',
      '127.0.0.1:9',
      '401',
      '--client-id',
      PSK_ID,
      '--psk',
      psk,
      '--timeout',
      '300',
    ])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/no server connected within 300 ms/)
    expect(result.stderr).not.toMatch(/did not accept/)
  })

  it('serve logs one line for repeated refused attempts from one address, with the claimed client ID', async () => {
    const address = await serve()
    for (let i = 0; i < 3; i++) {
      const result = await run([
        'call',
        address,
        '401',
        '--client-id',
        'cli-auth-nobody2',
        '--psk',
        psk,
        '--timeout',
        '5000',
      ])
      expect(result.status).toBe(1)
    }
    const lines =
      servers[0]?.fake.stderr.split('\n').filter((line) => line.includes('rejected a handshake')) ?? []
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^warning: rejected a handshake from 127\.0\.0\.1:\d+ claiming client ID cli-auth-nobody2: unknown client ID or key$/,
    )
    expect(servers[0]?.fake.stderr).not.toContain(psk)
  })
})
