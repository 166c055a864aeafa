import { randomBytes } from 'node:crypto'
import { notInPrivateNamespace } from '@pavillion/test-utils'
import { createServer, fingerprintOf, generateKeyPair, generatePsk } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DiscoveredPayload } from '../src/discovered.ts'
import { Mosquitto, skipWithoutMosquitto } from '../src/testing/mosquitto.ts'
import { bridgeFor, Recorder, text, until } from './support/site.ts'

const skip = notInPrivateNamespace()
const LO = ['127.0.0.1']

describe.skipIf(skipWithoutMosquitto || skip !== undefined)(
  `discovery presence through a real mosquitto, over mDNS on loopback${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    let broker: Mosquitto

    beforeAll(async () => {
      broker = await Mosquitto.start()
    })
    afterAll(async () => {
      await broker?.close()
    })

    it('publishes a retained `up` when a server advertises, and `down` when it says goodbye', async () => {
      const name = `hall-${randomBytes(3).toString('hex')}`
      const keyPair = await generateKeyPair()
      await using bridge = bridgeFor(broker.url, {}, { discovery: { interfaces: LO } })
      await bridge.ready()
      const device = await createServer({
        bind: '127.0.0.1',
        port: 0,
        keyPair,
        clients: { psk: { 'some-client-0001': await generatePsk() } },
        advertise: { name, interfaces: LO },
      })
      const topic = `pavillion/test-bridge/$discovered/${name}`
      const watcher = await Recorder.start(broker.url, ['pavillion/test-bridge/$discovered/#'])
      const latest = (): DiscoveredPayload | undefined => {
        const last = watcher.on(topic).at(-1)
        return last === undefined ? undefined : (JSON.parse(text(last.payload)) as DiscoveredPayload)
      }
      // Generous: probing and announcing take about two seconds.
      await until(() => latest()?.state === 'up', 15_000)
      expect(latest()).toMatchObject({
        instance: name,
        name,
        addresses: ['127.0.0.1'],
        port: device.address.port,
        fingerprint: fingerprintOf(keyPair.publicKey),
        version: '1',
      })
      expect(latest()!.suites).toContain('psk')

      // A subscriber arriving later still learns it: the message is retained.
      const retained = async () => {
        const late = await Recorder.start(broker.url, [topic])
        await until(() => late.on(topic).length > 0)
        const [message] = late.on(topic)
        await late.close()
        expect(message!.retain).toBe(true)
        return (JSON.parse(text(message!.payload)) as DiscoveredPayload).state
      }
      expect(await retained()).toBe('up')

      await device.close() // says goodbye (TTL 0)
      await until(() => latest()?.state === 'down', 15_000)
      expect(latest()).toMatchObject({ instance: name, port: device.address.port })
      expect(await retained()).toBe('down')
      await watcher.close()
    }, 40_000)

    it('marks what it saw `down` when the bridge closes', async () => {
      const name = `porch-${randomBytes(3).toString('hex')}`
      const device = await createServer({
        bind: '127.0.0.1',
        port: 0,
        clients: { psk: { 'some-client-0001': await generatePsk() } },
        advertise: { name, interfaces: LO },
      })
      const bridge = bridgeFor(broker.url, {}, { id: 'closing-bridge', discovery: { interfaces: LO } })
      await bridge.ready()
      const topic = `pavillion/closing-bridge/$discovered/${name}`
      const watcher = await Recorder.start(broker.url, [topic])
      const state = () => {
        const last = watcher.on(topic).at(-1)
        return last === undefined ? undefined : (JSON.parse(text(last.payload)) as DiscoveredPayload).state
      }
      await until(() => state() === 'up', 15_000)
      expect(JSON.parse(text(watcher.on(topic).at(-1)!.payload)).fingerprint).toBeNull()
      await bridge.close()
      await until(() => state() === 'down')
      await device.close()
      await watcher.close()
    }, 40_000)
  },
)
