import { MqttBridge } from '@pavillion/mqtt-bridge'
import { MOSQUITTO, Mosquitto } from '@pavillion/mqtt-bridge/testing'
import { connectAsync, type MqttClient } from 'mqtt'
import { createClient, createServer, generatePsk } from 'pavillion'
import { type Budget, windowed } from './measure.ts'
import { type Row, row } from './row.ts'

const WINDOW = 32
const SIZE = 64

/** Resolves each sequence number's waiter when a message carrying it reaches the MQTT subscriber. */
class Arrivals {
  readonly #waiting = new Map<number, () => void>()

  constructor(subscriber: MqttClient) {
    subscriber.on('message', (_topic, payload) => {
      const seq = payload.readUInt32BE(0)
      this.#waiting.get(seq)?.()
      this.#waiting.delete(seq)
    })
  }

  /** A promise for the arrival of `seq` (rejected after 5 s: a lost message is a failed run). */
  wait(seq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`message ${seq} did not arrive`)), 5000)
      this.#waiting.set(seq, () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}

function payloadOf(seq: number): Uint8Array {
  const payload = new Uint8Array(SIZE)
  new DataView(payload.buffer).setUint32(0, seq)
  return payload
}

/**
 * Messages per second from a publisher to an MQTT subscriber, 32 in flight,
 * each counted when it arrives: through the bridge (a Pavillion client's
 * reliable publish → the bridge's own server → mosquitto → subscriber, QoS 1)
 * beside mosquitto alone (an MQTT QoS 1 publisher → subscriber), in the same
 * run against the same broker.
 */
export async function mqttBridgeThroughput(budget: Budget): Promise<Row[]> {
  if (MOSQUITTO === undefined) {
    process.stderr.write('mqtt: mosquitto is not installed (apt-get install -y mosquitto); skipped\n')
    return []
  }
  const broker = await Mosquitto.start()
  const psk = await generatePsk()
  // The bridge's own server, and a device publishing to it (the common case: devices publish to the bridge).
  const own = await createServer({
    bind: '127.0.0.1',
    port: 0,
    clients: { psk: { 'bench-sensor-001': psk } },
    reserved: {},
  })
  const sensor = await createClient({
    address: `127.0.0.1:${own.address.port}`,
    clientId: 'bench-sensor-001',
    psk,
    bind: '127.0.0.1',
  })
  const bridge = new MqttBridge({ id: 'bench', mqtt: { url: broker.url } }, { server: own })
  const subscriber = await connectAsync(broker.url, { protocolVersion: 5 })
  const publisher = await connectAsync(broker.url, { protocolVersion: 5 })
  try {
    await sensor.waitForServer({ timeout: 5000 })
    await bridge.ready()
    const arrivals = new Arrivals(subscriber)
    await subscriber.subscribeAsync(['pavillion/bench-sensor-001/bench/m', 'alone/bench'], { qos: 1 })
    let seq = 0
    const throughBridge = async () => {
      const n = seq++
      const arrived = arrivals.wait(n)
      await sensor.publish('bench', 'm', payloadOf(n), { timeout: 5000 })
      await arrived
    }
    const alone = async () => {
      const n = seq++
      const arrived = arrivals.wait(n)
      await publisher.publishAsync('alone/bench', Buffer.from(payloadOf(n)), { qos: 1 })
      await arrived
    }
    const ours = await windowed(throughBridge, WINDOW, budget)
    const base = await windowed(alone, WINDOW, budget)
    if (bridge.stats().toMqtt.dropped > 0) throw new Error('the bridge dropped messages')
    return [
      row(
        'MQTT bridge: Pavillion → bridge → mosquitto → subscriber (raw: mosquitto alone), 32 in flight',
        `${SIZE} B`,
        ours.perSecond,
        base.perSecond,
        'msg/s',
      ),
    ]
  } finally {
    await bridge.close()
    await Promise.all([subscriber.endAsync(), publisher.endAsync()])
    await sensor.close()
    await own.close()
    await broker.close()
  }
}
