import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mosquitto, skipWithoutMosquitto } from '../src/testing/mosquitto.ts'
import { bridgeFor, Recorder, type Site, settle, startSite, text, until } from './support/site.ts'

describe.skipIf(skipWithoutMosquitto)('while the broker is down', () => {
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

  it('the Pavillion side keeps running, the backlog is bounded (drop-newest, counted) and sent after reconnecting', async () => {
    site.hall.rpc.handle(401, (args) => args)
    const watcher = await Recorder.start(broker.url, ['pavillion/hall/queued/+'], {
      clientId: 'watcher-2',
      clean: false,
    })
    const lines: string[] = []
    await using bridge = bridgeFor(
      broker.url,
      { hall: site.link },
      { queues: { toMqtt: 5 }, logger: (ns, line) => lines.push(`${ns} ${line}`) },
    )
    await bridge.ready()
    await watcher.close()
    await broker.stop()
    await until(() => !bridge.connected)

    for (let i = 0; i < 10; i++) {
      const report = await site.hall.publish('queued', String(i), String(i), { timeout: 2000 })
      expect(report.outcome).toBe('acknowledged') // Pavillion acknowledges whatever the broker does
    }
    expect(text(await site.link.call(401, 'still here', { timeout: 2000 }))).toBe('still here')
    expect(bridge.stats().toMqtt).toMatchObject({ bridged: 5, dropped: 5, queued: 5, confirmed: 0 })

    // It keeps trying, each delay doubled (±20 % jitter) up to the maximum (100 ms → 400 ms here).
    await until(() => bridge.stats().mqtt.reconnectAttempts >= 4, 15_000)
    const delays = lines.flatMap((l) => /next in (\d+) ms/.exec(l)?.[1] ?? []).map(Number)
    expect(delays[0]).toBeGreaterThanOrEqual(160)
    expect(delays[0]).toBeLessThanOrEqual(240)
    for (const delay of delays.slice(2)) expect(delay).toBeGreaterThanOrEqual(320)
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(480)
    await broker.restart()
    await until(() => bridge.stats().toMqtt.confirmed === 5, 15_000)
    const back = await Recorder.start(broker.url, ['pavillion/hall/queued/+'], {
      clientId: 'watcher-2',
      clean: false,
    })
    await until(() => back.messages.length >= 5)
    await settle()
    expect(back.messages.map((m) => text(m.payload))).toEqual(['0', '1', '2', '3', '4'])
    expect(bridge.stats().mqtt.reconnectAttempts).toBeGreaterThanOrEqual(1)
    await back.close()
  })
})
