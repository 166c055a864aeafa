import { createSocket } from 'node:dgram'
import { once } from 'node:events'
import { RegistersClient, RegistersServer } from '@pavillion/registers'
import { nodeRuntime } from '@pavillion/transport-node'
import { SECURE_OVERHEAD } from '@pavillion/wire'
import { type Budget, sequential } from './measure.ts'
import { type Keys, startClient, startServer } from './pair.ts'
import { RawEcho } from './raw-udp.ts'
import { type Row, row } from './row.ts'

/** The datagram of a 4-byte value's declaration (opcode, register, offset, value; sealed): what the raw baseline sends. */
const DECLARATION = SECURE_OVERHEAD + 9

/**
 * Register reads (6 → 7, one at a time) beside raw ping-pong, and observe
 * notifications per second beside raw one-way datagrams: each change is set
 * when the previous notification arrived, so both are chains of single hops.
 */
export async function registerRates(keys: Keys, budget: Budget): Promise<Row[]> {
  const raw = await RawEcho.start()
  const oneWay = await RawOneWay.start()
  const { server, port } = await startServer(keys)
  const client = await startClient(keys, port)
  const runtime = nodeRuntime()
  const serverRegisters = new RegistersServer(server, { runtime })
  const clientRegisters = new RegistersClient(client, { runtime, timeout: 2000 })
  const level = serverRegisters.declare({ register: 1, name: 'level', datatype: 'u32' })
  try {
    await client.waitForServer({ timeout: 2000 })
    const reads = await sequential(() => clientRegisters.read(1, { type: 'u32' }), budget)
    const rawReads = await sequential(() => raw.roundTrip(DECLARATION), budget)
    const observation = clientRegisters.observe(1, { type: 'u32', durationMs: 60_000 })
    let value = 0
    await observation.next() // the current value
    const notified = async () => {
      level.set(++value)
      const next = await observation.next()
      if (next.done === true) throw new Error('the observation ended')
    }
    const notifications = await sequential(notified, budget)
    observation.close()
    const rawOneWay = await sequential(() => oneWay.send(DECLARATION), budget)
    return [
      row('register read, sequential', '4 B', reads.perSecond, rawReads.perSecond, 'reads/s'),
      row('observe notifications, sequential', '4 B', notifications.perSecond, rawOneWay.perSecond, 'msg/s'),
    ]
  } finally {
    serverRegisters.close()
    clientRegisters.close()
    await Promise.all([client.close(), server.close(), raw.close(), oneWay.close()])
  }
}

/** The notification baseline: a raw datagram from one socket to another, awaited on arrival. */
class RawOneWay {
  readonly #from = createSocket('udp4')
  readonly #to = createSocket('udp4')
  #arrived: (() => void) | undefined

  static async start(): Promise<RawOneWay> {
    const pair = new RawOneWay()
    pair.#from.bind(0, '127.0.0.1')
    pair.#to.bind(0, '127.0.0.1')
    await Promise.all([once(pair.#from, 'listening'), once(pair.#to, 'listening')])
    pair.#to.on('message', () => {
      const arrived = pair.#arrived
      pair.#arrived = undefined
      arrived?.()
    })
    return pair
  }

  /** Sends `size` bytes and resolves when they arrive (loopback does not lose them). */
  send(size: number): Promise<void> {
    return new Promise((resolve) => {
      this.#arrived = resolve
      this.#from.send(Buffer.alloc(size), this.#to.address().port, '127.0.0.1')
    })
  }

  async close(): Promise<void> {
    await Promise.all([
      new Promise<void>((r) => this.#from.close(() => r())),
      new Promise<void>((r) => this.#to.close(() => r())),
    ])
  }
}
