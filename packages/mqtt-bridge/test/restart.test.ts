import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mosquitto, skipWithoutMosquitto } from '../src/testing/mosquitto.ts'
import { bridgeFor, Recorder, type Site, settle, startSite, text, until } from './support/site.ts'

const COUNT = 120

describe.skipIf(skipWithoutMosquitto)('a broker restarted mid-stream', () => {
  let broker: Mosquitto
  let site: Site

  beforeAll(async () => {
    broker = await Mosquitto.start({ persistent: true })
    site = await startSite()
  })
  afterAll(async () => {
    await site?.close()
    await broker?.close()
  })

  it('loses no QoS 1 message in either direction, and the bridge reconnects by itself', async () => {
    const watcher = await Recorder.start(broker.url, ['pavillion/hall/stream/+'], {
      clientId: 'watcher',
      clean: false,
    })
    const publisher = await Recorder.start(broker.url, [], { clientId: 'publisher', clean: false })
    await using bridge = bridgeFor(
      broker.url,
      { hall: site.link },
      { inbound: [{ filter: 'site/in/hall/#', to: 'hall' }] },
    )
    await bridge.ready()
    const intoPavillion = new Set<string>()
    let intoPavillionTotal = 0
    const stop = site.hall.subscribe('stream', (m) => {
      intoPavillion.add(text(m.payload))
      intoPavillionTotal++
    })
    await settle(200)

    const pavillionReports: Promise<unknown>[] = []
    const mqttAcks: Promise<unknown>[] = []
    let restarted: Promise<void> | undefined
    for (let i = 0; i < COUNT; i++) {
      pavillionReports.push(site.hall.publish('stream', `p${i}`, `p${i}`, { timeout: 5000 }))
      // Not the same message as the other direction's: that would be (rightly) taken for an echo.
      mqttAcks.push(publisher.client.publishAsync(`site/in/hall/stream/m${i}`, `m${i}`, { qos: 1 }))
      if (i === COUNT / 3) restarted = broker.restart() // mid-stream; the loop goes on while it is down
      await new Promise((r) => setTimeout(r, 5))
    }
    await restarted
    // The Pavillion side never stopped: every publish to the bridge's link was acknowledged.
    for (const report of await Promise.all(pavillionReports))
      expect((report as { outcome: string }).outcome).toBe('acknowledged')
    await Promise.all(mqttAcks)

    const outOfPavillion = () => new Set(watcher.messages.map((m) => text(m.payload)))
    await until(
      () => outOfPavillion().size === COUNT && intoPavillion.size === COUNT,
      20_000,
      () => ({
        out: outOfPavillion().size,
        in: intoPavillion.size,
        missingIn: [...Array(COUNT).keys()].filter((i) => !intoPavillion.has(`m${i}`)),
        stats: bridge.stats(),
      }),
    )
    expect(bridge.stats().mqtt.connects).toBeGreaterThanOrEqual(2)
    expect(bridge.stats().toMqtt).toMatchObject({ dropped: 0, loops: 0 })
    // At least once: duplicates are MQTT's own QoS 1 redeliveries after the restart, never more than one per message.
    expect(watcher.messages.length).toBeLessThanOrEqual(2 * COUNT)
    expect(intoPavillionTotal).toBeLessThanOrEqual(2 * COUNT)
    stop()
    await watcher.close()
    await publisher.close()
  })
})
