import { randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { eventually, notInPrivateNamespace } from '@pavillion/transport-node/testing'
import packet from 'dns-packet'
import { describe, expect, it } from 'vitest'
import { advertise, browse, MDNS_GROUP_V4, MDNS_PORT, SERVICE_TYPE } from '../src/index.ts'

/**
 * The fake records multicast here would fill every other test's browser in the same namespace (a
 * table full of fakes hides a real server from them): these tests run only in a namespace of their
 * own, which hostile-isolated.test.ts makes for them.
 */
const skip =
  process.env.PAVILLION_MDNS_ISOLATED === '1'
    ? notInPrivateNamespace()
    : 'run in a nested namespace by hostile-isolated.test.ts'
const LO = ['127.0.0.1']

/** A sender on the mDNS port (so the browser does not drop it by source port), through loopback only. */
async function hostileSender() {
  const socket = createSocket({ type: 'udp4', reuseAddr: true })
  await new Promise<void>((resolve) => socket.bind(MDNS_PORT, '0.0.0.0', resolve))
  socket.setMulticastInterface('127.0.0.1')
  let sent = 0
  // Paced (a pause every 25 datagrams) so loopback's receive buffers do not drop most of the flood.
  const send = async (bytes: Uint8Array) => {
    await new Promise<void>((resolve) => socket.send(bytes, MDNS_PORT, MDNS_GROUP_V4, () => resolve()))
    if (++sent % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return { send, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) }
}

function fakeService(i: number, ttl = 4500): Uint8Array {
  const instance = `fake-${i}.${SERVICE_TYPE}`
  const host = `fake-${i}.local`
  return packet.encode({
    type: 'response',
    answers: [
      { name: SERVICE_TYPE, type: 'PTR', ttl, data: instance },
      { name: instance, type: 'SRV', ttl, data: { target: host, port: 1 + (i % 60_000) } },
      { name: instance, type: 'TXT', ttl, data: ['v=1', 'suites=psk', `name=fake ${i}`] },
      { name: host, type: 'A', ttl, data: `127.1.${(i >> 8) & 255}.${i & 255}` },
    ],
  })
}

describe.skipIf(skip !== undefined)(
  `hostile mDNS input${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('a flood of fake records, garbage and bad values leaves the table bounded and the real server listed', async () => {
      const name = `real-${randomBytes(3).toString('hex')}`
      await using ad = await advertise({
        interfaces: LO,
        name,
        port: 43_000,
        addresses: ['127.0.0.8'],
        info: { name, suites: ['ecc'], version: '1', fingerprint: 'ab'.repeat(16) },
      })
      await using browser = await browse({ interfaces: LO, maxServices: 64 })
      await eventually(() => browser.servers().find((s) => s.instance === name), 5_000, 'the real server')
      const sender = await hostileSender()
      try {
        // Bounded in count: 2 000 fake services, 300 garbage datagrams, 300 records with bad values.
        for (let i = 0; i < 2_000; i++) await sender.send(fakeService(i, i % 2 === 0 ? 2 ** 31 - 1 : 4500))
        for (let i = 0; i < 300; i++) await sender.send(randomBytes(1 + (i % 200)))
        for (let i = 0; i < 300; i++) {
          const instance = `bad-${i}.${SERVICE_TYPE}`
          await sender.send(
            packet.encode({
              type: 'response',
              answers: [
                { name: instance, type: 'SRV', ttl: 120, data: { target: 'x'.repeat(60), port: 0 } },
                { name: instance, type: 'TXT', ttl: 120, data: ['v=banana', 'fp=zz'] },
                { name: 'other.example', type: 'A', ttl: 120, data: '10.0.0.1' },
              ],
            }),
          )
        }
        // Loopback may drop part of a burst; wait until most of it arrived and the counters settle.
        let last = -1
        await eventually(
          () => {
            const { received, malformed } = browser.stats()
            const settled = received + malformed === last && received + malformed >= 1_000
            last = received + malformed
            return settled ? true : undefined
          },
          10_000,
          'the flood',
          250,
        )
      } finally {
        await sender.close()
      }
      const stats = browser.stats()
      expect(stats.services).toBeLessThanOrEqual(64)
      expect(stats.hosts).toBeLessThanOrEqual(64)
      expect(stats.malformed).toBeGreaterThan(0)
      const real = browser.servers().find((s) => s.instance === name)
      expect(real).toMatchObject({ port: 43_000, addresses: ['127.0.0.8'], fingerprint: 'ab'.repeat(16) })
      expect(ad.announced).toBe(true)
    }, 60_000)

    it('ignores responses that do not come from port 5353', async () => {
      await using browser = await browse({ interfaces: LO })
      const socket = createSocket('udp4')
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
      socket.setMulticastInterface('127.0.0.1')
      for (let i = 0; i < 20; i++)
        await new Promise<void>((resolve) =>
          socket.send(fakeService(90_000 + i), MDNS_PORT, MDNS_GROUP_V4, () => resolve()),
        )
      await eventually(() => (browser.stats().ignored >= 20 ? true : undefined), 5_000, 'ignored')
      socket.close()
      expect(browser.servers().filter((s) => s.instance.startsWith('fake-9'))).toEqual([])
    })

    it('answers a flood of queries at most once a second per question', async () => {
      const name = `q-${randomBytes(3).toString('hex')}`
      await using ad = await advertise({
        interfaces: LO,
        name,
        port: 43_100,
        addresses: ['127.0.0.9'],
        info: { name, suites: ['psk'], version: '1' },
      })
      await eventually(() => (ad.announced ? true : undefined), 5_000, 'announced')
      await new Promise((resolve) => setTimeout(resolve, 1_200)) // the second announcement has left
      const before = ad.stats().sent
      const sender = await hostileSender()
      const started = performance.now()
      try {
        const query = packet.encode({ type: 'query', questions: [{ name: SERVICE_TYPE, type: 'PTR' }] })
        for (let i = 0; i < 500; i++) await sender.send(query)
      } finally {
        await sender.close()
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
      const seconds = (performance.now() - started) / 1000
      expect(ad.stats().sent - before).toBeLessThanOrEqual(Math.ceil(seconds) + 1)
    })
  },
)
