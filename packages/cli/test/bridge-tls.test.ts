import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Mosquitto, skipWithoutMosquitto } from '@pavillion/mqtt-bridge/testing'
import { createServer, exportKey, generatePsk, type PavillionServer } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'

const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-bridge-tls-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe.skipIf(skipWithoutMosquitto)('pavillion bridge over mqtts:// with a password', () => {
  let broker: Mosquitto
  let hall: PavillionServer
  let config: string

  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1 (it is its own CA) and a password file, made for this test.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    execFileSync('mosquitto_passwd', ['-b', '-c', join(dir, 'passwords'), 'site-a', 'correct-horse'], {
      stdio: 'ignore',
    })
    await writeFile(join(dir, 'password.txt'), 'correct-horse\n')
    broker = await Mosquitto.start({
      listener: [`certfile ${join(dir, 'cert.pem')}`, `keyfile ${join(dir, 'key.pem')}`],
      passwordFile: join(dir, 'passwords'),
    })
    const psk = await generatePsk()
    hall = await createServer({
      bind: '127.0.0.1',
      port: 0,
      clients: { psk: { 'bridge-site-a-01': psk } },
    })
    config = join(dir, 'bridge.json')
    await writeFile(
      config,
      JSON.stringify({
        id: 'site-a',
        links: {
          hall: {
            address: `127.0.0.1:${hall.address.port}`,
            clientId: 'bridge-site-a-01',
            psk: exportKey(psk),
          },
        },
      }),
    )
  })
  afterAll(async () => {
    await hall?.close()
    await broker?.close()
  })

  const run = async (flags: string[], env: Record<string, string> = {}) => {
    const fake = new FakeIo({ env })
    const url = `mqtts://127.0.0.1:${broker.port}`
    const done = main(['bridge', '--mqtt', url, '--config', config, '--json', '--debug', ...flags], fake.io)
    // Either outcome is a line of its own: connected, or the refusal (TLS or CONNACK) as an error.
    await waitUntil(() => /bridge:mqtt (connected|error)/.test(fake.stderr), 15_000)
    const connected = fake.stderr.includes('bridge:mqtt connected')
    fake.interrupt()
    expect(await done).toBe(0)
    return { connected, fake }
  }

  it('connects with the CA file and the password from a file', async () => {
    const { connected, fake } = await run([
      '--mqtt-ca',
      join(dir, 'cert.pem'),
      '--mqtt-username',
      'site-a',
      '--mqtt-password',
      `@${join(dir, 'password.txt')}`,
    ])
    expect(connected).toBe(true)
    expect(fake.stdout + fake.stderr).not.toContain('correct-horse')
  })

  it('connects with the CA and the password from the environment', async () => {
    const { connected } = await run([], {
      PAVILLION_MQTT_CA: join(dir, 'cert.pem'),
      PAVILLION_MQTT_USERNAME: 'site-a',
      PAVILLION_MQTT_PASSWORD: 'correct-horse',
    })
    expect(connected).toBe(true)
  })

  it('does not connect to a broker whose certificate it cannot verify, nor with a wrong password — and prints neither secret', async () => {
    const untrusted = await run(['--mqtt-username', 'site-a', '--mqtt-password', 'correct-horse'])
    expect(untrusted.connected).toBe(false)
    const wrong = await run([
      '--mqtt-ca',
      join(dir, 'cert.pem'),
      '--mqtt-username',
      'site-a',
      '--mqtt-password',
      'wrong-battery',
    ])
    expect(wrong.connected).toBe(false)
    for (const { fake } of [untrusted, wrong]) {
      expect(fake.stdout + fake.stderr).not.toMatch(/correct-horse|wrong-battery/)
    }
  })
})
