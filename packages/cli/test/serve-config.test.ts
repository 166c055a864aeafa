import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

const ID = 'kitchen-sensor-1'
const KEY = 'a1'.repeat(32)
const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-config-'))
let server: RunningServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function configFile(name: string, text: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, text)
  return path
}

async function refused(text: string): Promise<string> {
  const fake = new FakeIo()
  const status = await main(['serve', '--config', await configFile('bad.json', text)], fake.io)
  expect(status, fake.stderr).toBe(2)
  expect(fake.stderr.trimEnd().split('\n')).toHaveLength(1)
  return fake.stderr.trimEnd().replace(join(dir, 'bad.json'), 'bad.json')
}

describe('serve --config FILE', () => {
  it('serves the clients, keys and functions of the file; @FILE is relative to it; flags win', async () => {
    await mkdir(join(dir, 'keys'), { recursive: true })
    await writeFile(join(dir, 'keys', 'kitchen.psk'), `${KEY}\n`)
    await mkdir(join(dir, 'shared'), { recursive: true })
    const path = await configFile(
      'server.json',
      JSON.stringify({
        port: 1783,
        bind: '127.0.0.1',
        clients: { psk: { [ID]: '@keys/kitchen.psk' } },
        echo: [401],
        broker: false,
        files: 'shared',
      }),
    )
    server = await startServe(['--config', path, '--port', '0'])
    const [listening] = server.fake.records()
    expect(listening).toMatchObject({ event: 'listening', address: '127.0.0.1', broker: false })
    expect(listening?.port).not.toBe(1783) // --port 0 on the command line won
    const call = new FakeIo()
    const status = await main(
      ['call', `127.0.0.1:${server.port}`, '401', 'hi', '--client-id', ID, '--psk', KEY],
      call.io,
    )
    expect([status, call.stdout, call.stderr]).toEqual([0, 'hi\n', ''])
  })

  it('refuses a bad file with exit 2, naming the file and the line', async () => {
    expect(await refused('{\n  "port": 1783,\n}\n')).toBe(
      'pavillion serve: --config bad.json, line 3: not valid JSON (Expected double-quoted property name)',
    )
    expect(await refused('{\n  "bind": "127.0.0.1",\n  "prot": 1783\n}')).toBe(
      'pavillion serve: --config bad.json, line 3: unknown key "prot"; the keys are port, bind, multicast, interface, secretKey, allowGuests, broker, echo, files, logLevel, clients',
    )
    expect(await refused('{\n\n  "port": "1783"\n}')).toBe(
      'pavillion serve: --config bad.json, line 3: "port" expected an integer',
    )
    expect(await refused('{\n  "clients": {\n    "psk": { "kitchen-sensor-1": 7 }\n  }\n}')).toMatch(
      /^pavillion serve: --config bad\.json, line 2: "clients" expected .*; the key of "kitchen-sensor-1" is not a string$/,
    )
    expect(await refused('[1783]')).toMatch(/^pavillion serve: --config bad\.json, line 1: expected \{"port"/)
  })

  it('refuses a missing config file, and a key file it names that is missing', async () => {
    const missing = new FakeIo()
    expect(await main(['serve', '--config', join(dir, 'nope.json')], missing.io)).toBe(2)
    expect(missing.stderr).toMatch(/--config .*nope\.json: cannot read the file \(ENOENT\)/)
    const path = await configFile(
      'keyless.json',
      JSON.stringify({ clients: { psk: { [ID]: '@missing.psk' } } }),
    )
    const keyless = new FakeIo()
    expect(await main(['serve', '--config', path], keyless.io)).toBe(2)
    expect(keyless.stderr).toMatch(/missing\.psk: cannot read the file \(ENOENT\)/)
  })
})

describe('serve --log-level', () => {
  it("writes the server's log to stderr from the level asked; bad levels are refused", async () => {
    server = await startServe([
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--psk-client',
      `${ID}=${KEY}`,
      '--log-level',
      'info',
    ])
    const call = new FakeIo()
    expect(
      await main(['call', `127.0.0.1:${server.port}`, '0', 'hi', '--client-id', ID, '--psk', KEY], call.io),
    ).toBe(0)
    const running = server
    expect(running.fake.stderr).toMatch(
      /^info: session opened with kitchen-sensor-1 \(127\.0\.0\.1:\d+, psk\)$/m,
    )
    const bad = new FakeIo()
    expect(await main(['serve', '--log-level', 'loud', '--psk-client', `${ID}=${KEY}`], bad.io)).toBe(2)
    expect(bad.stderr).toMatch(/--log-level expected debug, info, warn, error, got "loud"/)
  })
})
