import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Mosquitto, skipWithoutMosquitto } from '@pavillion/mqtt-bridge/testing'
import { connectAsync } from 'mqtt'
import { createServer, exportKey, generatePsk } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
