import { encodeApp } from '@pavillion/wire'
import { type Budget, windowed } from '../measure.ts'
import { type Keys, startClient, startServer } from '../pair.ts'
import { RawEcho } from '../raw-udp.ts'
import { type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

/** Reliable messages (client → server, acknowledged) per second, sequential and 32 in flight, beside raw ping-pong. */
async function reliableMessages(keys: Keys, budget: Budget, sizes: readonly number[]): Promise<Row[]> {
  const raw = await RawEcho.start()
  const { server, port } = await startServer(keys)
  const client = await startClient(keys, port)
  try {
    await client.waitForServer({ timeout: 2000 })
    const rows: Row[] = []
    for (const size of sizes) {
      const plaintext = encodeApp({
        type: 'reliable',
        target: 'bench',
        name: 'm',
        body: new Uint8Array(size),
      })
      const publish = async () => {
        const report = await client.sendTracked(plaintext, { expect: 'any', timeout: 2000 }).done
        if (report.outcome !== 'acknowledged') throw new Error(`reliable message ${report.outcome}`)
      }
      for (const window of [1, 32]) {
        const ours = await windowed(publish, window, budget)
        const base = await windowed(() => raw.roundTrip(size + 36), window, budget)
        rows.push(
          row(
            window === 1 ? 'reliable message, sequential' : 'reliable message, 32 in flight',
            `${size} B`,
            ours.perSecond,
            base.perSecond,
            'msg/s',
          ),
        )
      }
    }
    return rows
  } finally {
    await Promise.all([client.close(), server.close(), raw.close()])
  }
}

export default defineScenario({
  name: 'reliable',
  mode: 'one-process',
  run: ({ keys, budget }) => reliableMessages(keys, budget, [64, 1024]),
})
