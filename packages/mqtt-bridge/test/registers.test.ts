import { createServer } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mosquitto, skipWithoutMosquitto } from '../src/testing/mosquitto.ts'
import { bridgeFor, Recorder, type Site, settle, startSite, text, until } from './support/site.ts'

describe.skipIf(skipWithoutMosquitto)('registers through a real mosquitto', () => {
  let broker: Mosquitto
  let site: Site
  const dimmer: number[] = []
  const labels: string[] = []

  beforeAll(async () => {
    broker = await Mosquitto.start()
    site = await startSite()
    site.hall.registers.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 21.5 })
    site.hall.registers.declare({
      register: 101,
      name: 'dimmer',
      datatype: 'u8',
      value: 0,
      writer: (level) => {
        dimmer.push(level)
      },
    })
    site.hall.registers.declare({
      register: 102,
      name: 'label',
      datatype: 'utf8',
      value: 'hall',
      writer: (label) => {
        labels.push(label)
      },
    })
  })
  afterAll(async () => {
    await site?.close()
    await broker?.close()
  })

  it('keeps a retained topic current from observe: a later subscriber gets the latest value', async () => {
    const temperature = site.hall.registers.get(100)!
    const bridge = bridgeFor(broker.url, { hall: site.link }, { registers: [{ to: 'hall', observe: [100] }] })
    await bridge.ready()
    const early = await Recorder.start(broker.url, ['pavillion/hall/$reg/#'])
    const latest = (r: Recorder) => text(r.on('pavillion/hall/$reg/100').at(-1)?.payload ?? '')
    await until(
      () => latest(early) === '21.5',
      10_000,
      () => bridge.stats().registers,
    )
    temperature.set(22.25)
    await until(() => latest(early) === '22.25')
    temperature.set(23.5)
    await until(() => latest(early) === '23.5')

    const late = await Recorder.start(broker.url, [
      'pavillion/hall/$reg/100',
      'pavillion/hall/$reg/100/$info',
    ])
    await until(() => late.on('pavillion/hall/$reg/100').length === 1)
    const retained = late.on('pavillion/hall/$reg/100')[0]!
    expect(text(retained.payload)).toBe('23.5')
    expect(retained.retain).toBe(true)
    expect(retained.properties?.userProperties).toMatchObject({
      'pavillion-register': '100',
      'pavillion-datatype': 'f32',
    })
    await until(() => late.on('pavillion/hall/$reg/100/$info').length === 1)
    expect(JSON.parse(text(late.on('pavillion/hall/$reg/100/$info')[0]!.payload))).toMatchObject({
      name: 'temperature',
      datatype: 'f32',
      writable: false,
    })
    expect(bridge.stats().registers).toMatchObject({ observed: 1, errors: 0 })

    // Closed: the observation ends on the server too, and nothing more is published.
    await bridge.close(500)
    await until(() => site.hall.registers.stats().observers === 0)
    temperature.set(24)
    await settle()
    expect(latest(early)).toBe('23.5')
    await early.close()
    await late.close()
  })

  it("observes every register the server lists with observe: 'all'", async () => {
    await using bridge = bridgeFor(
      broker.url,
      { hall: site.link },
      { registers: [{ to: 'hall', observe: 'all' }] },
    )
    await bridge.ready()
    const watcher = await Recorder.start(broker.url, ['pavillion/hall/$reg/+'])
    // 100 was set to 24 after the first bridge closed: a fresh observation brings it.
    const latest = (r: number) => text(watcher.on(`pavillion/hall/$reg/${r}`).at(-1)?.payload ?? '')
    await until(
      () => latest(100) === '24' && latest(101) === '0' && latest(102) === 'hall',
      10_000,
      () => bridge.stats().registers,
    )
    expect(new Set(watcher.messages.map((m) => m.topic)).size).toBe(3) // not the directory (65535)
    expect(bridge.stats().registers.observed).toBe(3)
    await watcher.close()
  })

  it('writes an allow-listed register from …/set once, and refuses (and counts) the others', async () => {
    await using bridge = bridgeFor(
      broker.url,
      { hall: site.link },
      { registers: [{ to: 'hall', observe: [101], write: [101] }] },
    )
    await bridge.ready()
    const watcher = await Recorder.start(broker.url, [
      'pavillion/hall/$reg/+',
      'pavillion/hall/$reg/+/set/result',
    ])
    await until(() => watcher.on('pavillion/hall/$reg/101').length > 0)
    await settle(200) // the bridge's subscription is in place
    const writer = await Recorder.start(broker.url, [])

    await writer.client.publishAsync('pavillion/hall/$reg/101/set', '40', { qos: 1 })
    await until(
      () => bridge.stats().registers.written === 1,
      10_000,
      () => bridge.stats().registers,
    )
    expect(dimmer).toEqual([40]) // applied before the bridge counted (and PUBACKed) it
    await until(() => text(watcher.on('pavillion/hall/$reg/101').at(-1)!.payload) === '40')
    await until(() => watcher.on('pavillion/hall/$reg/101/set/result').length === 1)
    expect(text(watcher.on('pavillion/hall/$reg/101/set/result')[0]!.payload)).toBe('ok')

    // Writable on the device, but not from MQTT: never written.
    await writer.client.publishAsync('pavillion/hall/$reg/102/set', 'hacked', { qos: 1 })
    await until(() => bridge.stats().registers.refused === 1)
    await until(() => watcher.on('pavillion/hall/$reg/102/set/result').length === 1)
    expect(text(watcher.on('pavillion/hall/$reg/102/set/result')[0]!.payload)).toMatch(/^refused/)

    // Not a u8: the device never sees it.
    await writer.client.publishAsync('pavillion/hall/$reg/101/set', '999', { qos: 1 })
    await until(() => bridge.stats().registers.failed === 1)
    await until(() => watcher.on('pavillion/hall/$reg/101/set/result').length === 2)
    expect(text(watcher.on('pavillion/hall/$reg/101/set/result')[1]!.payload)).toMatch(/^bad-value: /)

    await settle()
    expect(dimmer).toEqual([40])
    expect(labels).toEqual([])
    expect(site.hall.registers.get(102)!.value).toBe('hall')
    expect(bridge.stats().registers).toMatchObject({ written: 1, refused: 1, failed: 1 })
    await writer.close()
    await watcher.close()
  })

  it('opens the observations again when the Pavillion server comes back after a restart', async () => {
    const own = await startSite('bridge-link-0002')
    const port = own.hall.address.port
    own.hall.registers.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 1 })
    await using bridge = bridgeFor(
      broker.url,
      { hall2: own.link },
      { registers: [{ to: 'hall2', observe: [100] }] },
    )
    await bridge.ready()
    const watcher = await Recorder.start(broker.url, ['pavillion/hall2/$reg/100'])
    const latest = () => text(watcher.on('pavillion/hall2/$reg/100').at(-1)?.payload ?? '')
    await until(() => latest() === '1')

    await own.hall.close()
    const again = await createServer({
      bind: '127.0.0.1',
      port,
      clients: { psk: { 'bridge-link-0002': own.psk } },
      reserved: {},
    })
    const temperature = again.registers.declare({
      register: 100,
      name: 'temperature',
      datatype: 'f32',
      value: 2,
    })
    await until(
      () => latest() === '2',
      20_000,
      () => bridge.stats().registers,
    )
    temperature.set(3)
    await until(() => latest() === '3')
    expect(again.registers.stats().observers).toBe(1)

    await bridge.close(500)
    await watcher.close()
    await own.link.close()
    await again.close()
  })
})
