import type { PavillionServer } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mosquitto, skipWithoutMosquitto } from '../src/testing/mosquitto.ts'
import { bridgeFor, Recorder, type Site, settle, startSite, text, until } from './support/site.ts'

/** A server application that republishes every message it receives to all its clients — the bridge's link included. */
function republishEverything(server: PavillionServer): () => void {
  return server.subscribe('*', (m) => {
    void server.publish(m.target, m.name, m.payload.slice(), { timeout: 2000 }).catch(() => {})
  })
}

describe.skipIf(skipWithoutMosquitto)('nothing circulates', () => {
  let broker: Mosquitto
  let a: Site
  let b: Site

  beforeAll(async () => {
    broker = await Mosquitto.start()
    a = await startSite('bridge-site-a-01')
    b = await startSite('bridge-site-b-01')
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await broker?.close()
  })

  it('a bridge and a server that republishes: what the bridge injected is not bridged back', async () => {
    const stop = republishEverything(a.hall)
    await using bridge = bridgeFor(
      broker.url,
      { hall: a.link },
      { inbound: [{ filter: 'site/in/hall/#', to: 'hall' }] },
    )
    await bridge.ready()
    const watcher = await Recorder.start(broker.url, ['site/#', 'pavillion/hall/+/+'])
    const publisher = await Recorder.start(broker.url, [])
    await settle(200)
    await publisher.client.publishAsync('site/in/hall/lights/kitchen', 'on', { qos: 1 })
    await until(() => bridge.stats().toMqtt.loops === 1)
    await settle(500)
    expect(watcher.messages.map((m) => m.topic)).toEqual(['site/in/hall/lights/kitchen'])
    // The next, genuine message from the server still crosses.
    await a.hall.publish('lights', 'kitchen', 'on', { timeout: 2000 })
    await until(() => watcher.on('pavillion/hall/lights/kitchen').length === 1)
    stop()
    await watcher.close()
    await publisher.close()
  })

  it('two bridges on one broker, each site republishing: a message crosses once and stops', async () => {
    const stops = [republishEverything(a.hall), republishEverything(b.hall)]
    await using bridgeA = bridgeFor(
      broker.url,
      { 'a-hall': a.link },
      { id: 'site-a', inbound: [{ filter: 'pavillion/b-lab/#', to: 'a-hall' }] },
    )
    await using bridgeB = bridgeFor(
      broker.url,
      { 'b-lab': b.link },
      { id: 'site-b', inbound: [{ filter: 'pavillion/a-hall/#', to: 'b-lab' }] },
    )
    await Promise.all([bridgeA.ready(), bridgeB.ready()])
    const watcher = await Recorder.start(broker.url, ['pavillion/+/lights/#'])
    const atB: string[] = []
    const stopB = b.hall.subscribe('lights', (m) => atB.push(`${m.name}=${text(m.payload)}`))
    await settle(200)
    await a.hall.publish('lights', 'kitchen', 'on', { timeout: 2000 })
    await until(() => atB.length === 1)
    await settle(800)
    expect(watcher.messages.map((m) => m.topic)).toEqual(['pavillion/a-hall/lights/kitchen'])
    expect(atB).toEqual(['kitchen=on'])
    expect(bridgeB.stats().toMqtt.loops).toBe(1)
    for (const stop of [...stops, stopB]) stop()
    await watcher.close()
  })

  it('refuses a message carrying its own mark, whoever republished it on MQTT', async () => {
    await using bridge = bridgeFor(
      broker.url,
      { hall: a.link },
      { inbound: [{ filter: 'site/in/hall/#', to: 'hall' }] },
    )
    await bridge.ready()
    const received: string[] = []
    const stop = a.hall.subscribe('*', (m) => received.push(m.name))
    const publisher = await Recorder.start(broker.url, [])
    await settle(200)
    await publisher.client.publishAsync('site/in/hall/lights/x', 'on', {
      qos: 1,
      properties: { userProperties: { 'pavillion-via': 'other,test-bridge' } },
    })
    await until(() => bridge.stats().toPavillion.loops === 1)
    expect(received).toEqual([])
    stop()
    await publisher.close()
  })
})
