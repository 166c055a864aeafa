import { randomBytes } from 'node:crypto'
import { createClient, createServer, generatePsk, RpcError } from 'pavillion'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Mosquitto, skipWithoutMosquitto } from '../src/testing/mosquitto.ts'
import { bridgeFor, Recorder, type Site, settle, startSite, text, until } from './support/site.ts'
import { TcpCut } from './support/tcp-cut.ts'

describe.skipIf(skipWithoutMosquitto)('RPC and presence through a real mosquitto', () => {
  let broker: Mosquitto
  let site: Site

  beforeAll(async () => {
    broker = await Mosquitto.start()
    site = await startSite()
    site.hall.rpc.handle(401, (args) => args.slice().reverse())
    site.hall.rpc.handle(402, () => {
      throw new RpcError(7, 'the valve is stuck')
    })
  })
  afterAll(async () => {
    await site?.close()
    await broker?.close()
  })

  it('answers an MQTT v5 request on the response topic, correlated, with the result or the error status', async () => {
    await using bridge = bridgeFor(
      broker.url,
      { hall: site.link },
      { rpc: [{ to: 'hall', functions: [401, 402] }] },
    )
    await bridge.ready()
    const caller = await Recorder.start(broker.url, ['replies/caller-1'])
    await settle(200)
    const ask = async (fn: number, body: string) => {
      const correlationData = randomBytes(8)
      const before = caller.messages.length
      await caller.client.publishAsync(`pavillion/hall/$rpc/${fn}`, body, {
        qos: 1,
        properties: { responseTopic: 'replies/caller-1', correlationData },
      })
      await until(() => caller.messages.length > before)
      const reply = caller.messages[before]!
      expect(Buffer.compare(reply.properties!.correlationData!, correlationData)).toBe(0)
      return reply
    }
    const ok = await ask(401, 'stressed')
    expect(text(ok.payload)).toBe('desserts')
    expect(ok.properties?.userProperties?.['pavillion-status']).toBe('0')
    const failed = await ask(402, '')
    expect(failed.properties?.userProperties?.['pavillion-status']).toBe('7')
    expect(text(failed.payload)).toBe('the valve is stuck')
    const tooLarge = await ask(401, 'x'.repeat(5000)) // more than a Pavillion call carries
    expect(tooLarge.properties?.userProperties?.['pavillion-status']).toBe('failed')
    const refused = await ask(403, '') // not in the allow-list: never called
    expect(refused.properties?.userProperties?.['pavillion-status']).toBe('refused')
    expect(bridge.stats().rpc).toMatchObject({ requests: 4, answered: 1, errors: 2, refused: 1 })
    expect(text((await ask(401, 'ok')).payload)).toBe('ko') // and it goes on
    await caller.close()
  })

  it('keeps retained status topics for sessions and links, and the broker publishes its last will when it vanishes', async () => {
    const psk = await generatePsk()
    const own = await createServer({
      bind: '127.0.0.1',
      port: 0,
      clients: { psk: { 'kitchen-sensor-1': psk } },
      reserved: {},
    })
    const relay = await TcpCut.start(broker.port)
    const bridge = bridgeFor(`mqtt://127.0.0.1:${relay.port}`, { hall: site.link }, {}, own)
    await bridge.ready()
    const sensor = await createClient({
      address: `127.0.0.1:${own.address.port}`,
      clientId: 'kitchen-sensor-1',
      psk,
      bind: '127.0.0.1',
    })
    await sensor.waitForServer({ timeout: 5000 })
    await sensor.publish('temperature', 'kitchen', '21.5', { timeout: 2000 })

    const watcher = await Recorder.start(broker.url, [
      'pavillion/+/$status',
      'pavillion/$bridge/+/status',
      'pavillion/kitchen-sensor-1/#',
    ])
    const latest = (topic: string) => text(watcher.on(topic).at(-1)?.payload ?? '')
    // Retained: a subscriber arriving later still learns who is online.
    await until(() => latest('pavillion/kitchen-sensor-1/$status') === 'online')
    expect(watcher.on('pavillion/kitchen-sensor-1/$status')[0]!.retain).toBe(true)
    expect(latest('pavillion/hall/$status')).toBe('online')
    expect(latest('pavillion/$bridge/test-bridge/status')).toBe('online')

    await sensor.close() // says goodbye: the session closes
    await until(() => latest('pavillion/kitchen-sensor-1/$status') === 'offline')
    const closed = watcher.on('pavillion/kitchen-sensor-1/$status').at(-1)!
    expect(closed.properties?.userProperties?.['pavillion-reason']).toBe('quit')

    await relay.cut() // the bridge's connection dies without a DISCONNECT
    await until(() => latest('pavillion/$bridge/test-bridge/status') === 'offline')
    await bridge.close(200)
    await own.close()
    await watcher.close()
  })
})
