import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Mosquitto, skipWithoutMosquitto } from '@pavillion/mqtt-bridge/testing'
import { connectAsync } from 'mqtt'
import { createServer, exportKey, generateKeyPair, generatePsk } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBridgeConfig } from '../src/bridge-config.ts'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'

const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-bridge-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function configFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify(content))
  return path
}

describe('bridge: bad input exits 2', () => {
  it.each([
    [['bridge', '--config', 'x.json'], /missing --mqtt/],
    [['bridge', '--mqtt', 'http://127.0.0.1:1883', '--config', 'x.json'], /unsupported scheme/],
    [['bridge', '--mqtt', 'mqtt://127.0.0.1:1'], /missing --config/],
    [['bridge', '--mqtt', 'mqtt://127.0.0.1:1', '--config', join(dir, 'none.json')], /ENOENT/],
  ])('%j', async (argv, message) => {
    const fake = new FakeIo()
    expect(await main(argv, fake.io)).toBe(2)
    expect(fake.stderr).toMatch(message)
  })

  it('names the bad rule of the file', async () => {
    const psk = exportKey(await generatePsk())
    const path = await configFile('bad.json', {
      id: 'site-a',
      links: { hall: { address: '127.0.0.1:1', clientId: 'bridge-site-a-01', psk } },
      inbound: [{ filter: 'a/#/b', to: 'hall' }],
    })
    const fake = new FakeIo()
    expect(await main(['bridge', '--mqtt', 'mqtt://127.0.0.1:1', '--config', path], fake.io)).toBe(2)
    expect(fake.stderr).toMatch(/inbound\[0\]\.filter/)
    expect(fake.stderr).not.toContain(psk)
  })

  it('refuses credentials in the file', async () => {
    const path = await configFile('creds.json', { id: 'site-a', mqtt: { password: 'hunter2' } })
    const fake = new FakeIo()
    expect(await main(['bridge', '--mqtt', 'mqtt://127.0.0.1:1', '--config', path], fake.io)).toBe(2)
    expect(fake.stderr).not.toContain('hunter2')
  })
})

describe('bridge configuration files', () => {
  it("reads the README's example: links, a server of its own, rules, queues; secrets from files beside it", async () => {
    await writeFile(join(dir, 'hall.psk'), exportKey(await generatePsk()))
    await writeFile(join(dir, 'kitchen.psk'), exportKey(await generatePsk()))
    const path = await configFile('example.json', {
      id: 'site-a',
      links: { hall: { address: '192.168.1.20:1783', clientId: 'bridge-site-a-01', psk: '@hall.psk' } },
      server: { port: 1783, clients: { psk: { 'kitchen-sensor-1': '@kitchen.psk' } } },
      inbound: [{ filter: 'site-a/in/hall/#', to: 'hall', targets: ['lights'] }],
      rpc: [{ to: 'hall', functions: [401] }],
      registers: [{ to: 'hall', observe: 'all', write: [101], rateLimitMs: 200 }],
      queues: { toMqtt: 10000 },
    })
    const config = await readBridgeConfig(path)
    expect(Object.keys(config.links)).toEqual(['hall'])
    expect(config.server?.port).toBe(1783)
    expect(Object.keys((config.server?.clients as { psk: object } | undefined)?.psk ?? {})).toEqual([
      'kitchen-sensor-1',
    ])
    expect(config.options).toMatchObject({
      id: 'site-a',
      rpc: [{ to: 'hall', functions: [401] }],
      registers: [{ to: 'hall', observe: 'all', write: [101], rateLimitMs: 200 }],
      queues: { toMqtt: 10000 },
    })
    expect(JSON.stringify(config)).not.toContain(await readFile(join(dir, 'hall.psk'), 'utf8'))
  })

  it('takes ECC links (secret key from a file, the server key as is)', async () => {
    const [mine, theirs] = [await generateKeyPair(), await generateKeyPair()]
    await writeFile(join(dir, 'link.key'), exportKey(mine.secretKey))
    const path = await configFile('ecc.json', {
      id: 'site-b',
      links: {
        lab: { address: '127.0.0.1:1783', secretKey: '@link.key', serverKey: exportKey(theirs.publicKey) },
      },
    })
    const config = await readBridgeConfig(path)
    expect(config.links.lab).toHaveProperty('serverKey')
  })

  it.each([
    [{ links: {} }, /id: missing/],
    [{ id: 'a', links: { hall: { address: '127.0.0.1:1' } } }, /links\.hall: give "psk"/],
    [
      {
        id: 'a',
        links: { hall: { address: '127.0.0.1:1', clientId: 'bridge-site-a-01', psk: '@nope.psk' } },
      },
      /cannot read @nope\.psk/,
    ],
    [{ id: 'a', rpc: [{ to: 'hall', functions: ['x'] }] }, /rpc\[0\]\.functions/],
  ])('refuses %j', async (content, message) => {
    await expect(readBridgeConfig(await configFile('refused.json', content))).rejects.toThrow(message)
  })
})

describe.skipIf(skipWithoutMosquitto)('pavillion bridge with a real mosquitto', () => {
  let broker: Mosquitto
  beforeAll(async () => {
    broker = await Mosquitto.start()
  })
  afterAll(() => broker?.close())

  it('bridges a link, prints --json status lines with counters, never the password, and closes on interrupt', async () => {
    const psk = await generatePsk()
    await writeFile(join(dir, 'hall.psk'), exportKey(psk))
    await using hall = await createServer({
      bind: '127.0.0.1',
      port: 0,
      clients: { psk: { 'bridge-site-a-01': psk } },
    })
    const path = await configFile('bridge.json', {
      id: 'site-a',
      links: {
        hall: { address: `127.0.0.1:${hall.address.port}`, clientId: 'bridge-site-a-01', psk: '@hall.psk' },
      },
    })
    const watcher = await connectAsync(broker.url, { protocolVersion: 5 })
    const topics: string[] = []
    watcher.on('message', (topic) => topics.push(topic))
    await watcher.subscribeAsync('pavillion/hall/+/+', { qos: 1 })

    // The broker allows anonymous clients and ignores the password; what matters is that it is never printed.
    const fake = new FakeIo({
      env: { PAVILLION_MQTT_PASSWORD: 'hunter2-secret', PAVILLION_MQTT_USERNAME: 'site-a' },
    })
    const url = `mqtt://site-a:url-secret@127.0.0.1:${broker.port}`
    const run = main(
      ['bridge', '--mqtt', url, '--config', path, '--json', '--status-interval', '1', '--debug'],
      fake.io,
    )
    expect(await waitUntil(() => hall.sessions().length === 1, 10_000)).toBe(true)
    expect(await waitUntil(() => fake.records().some((r) => r.event === 'status'), 10_000)).toBe(true)
    await hall.publish('lights', 'kitchen', 'on', { timeout: 2000 })
    expect(await waitUntil(() => topics.includes('pavillion/hall/lights/kitchen'), 10_000)).toBe(true)
    fake.interrupt()
    expect(await run).toBe(0)
    const records = fake.records()
    expect(records[0]).toMatchObject({
      event: 'started',
      id: 'site-a',
      links: ['hall'],
      mqtt: `mqtt://127.0.0.1:${broker.port}`,
    })
    const closed = records.at(-1) as { event: string; stats: { toMqtt: { bridged: number } } }
    expect(closed.event).toBe('closed')
    expect(closed.stats.toMqtt.bridged).toBe(1)
    expect(fake.stderr).toContain('bridge:mqtt connected')
    for (const secret of ['hunter2-secret', 'url-secret']) {
      expect(fake.stdout).not.toContain(secret)
      expect(fake.stderr).not.toContain(secret)
    }
    await watcher.endAsync()
  })
})
