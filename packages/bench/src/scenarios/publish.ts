import { ClientPubSub, ServerPubSub } from '@pavillion/pubsub'
import type { Budget } from '../measure.ts'
import { windowed } from '../measure.ts'
import { type Keys, startClient, startServer } from '../pair.ts'
import { RawEcho } from '../raw-udp.ts'
import { type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

/** Reliable publishes (client → a subscribed server, acknowledged) per second, sequential and 32 in flight, beside raw ping-pong. */
async function reliablePublishes(keys: Keys, budget: Budget, sizes: readonly number[]): Promise<Row[]> {
  const raw = await RawEcho.start()
  const { server, port } = await startServer(keys)
  const serverPubSub = new ServerPubSub(server)
  let received = 0
  serverPubSub.subscribe('bench', () => {
    received++
  })
  const client = await startClient(keys, port)
  const pubsub = new ClientPubSub(client)
  try {
    await client.waitForServer({ timeout: 2000 })
    const rows: Row[] = []
    for (const size of sizes) {
      const payload = new Uint8Array(size)
      const publish = async () => {
        const report = await pubsub.publish('bench', 'm', payload, { timeout: 2000 })
        if (report.outcome !== 'acknowledged') throw new Error(`publish ${report.outcome}`)
      }
      for (const window of [1, 32]) {
        const ours = await windowed(publish, window, budget)
        const base = await windowed(() => raw.roundTrip(size + 44), window, budget)
        const name = window === 1 ? 'reliable publish, sequential' : 'reliable publish, 32 in flight'
        rows.push(row(name, `${size} B`, ours.perSecond, base.perSecond, 'msg/s'))
      }
    }
    if (received === 0) throw new Error('the server received nothing')
    return rows
  } finally {
    pubsub.close()
    serverPubSub.close()
    await Promise.all([client.close(), server.close(), raw.close()])
  }
}

export default defineScenario({
  name: 'publish',
  mode: 'one-process',
  run: ({ keys, budget }) => reliablePublishes(keys, budget, [64, 1024]),
})
