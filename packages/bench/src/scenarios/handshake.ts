import { type Budget, sequential } from '../measure.ts'
import { type Keys, startClient, startServer } from '../pair.ts'
import { type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

/** Handshake latency (new client to connected) and handshakes per second, PSK and ECC. */
async function handshakes(keys: Keys, budget: Budget): Promise<Row[]> {
  // Every client comes from 127.0.0.1: lift the reply budgets (docs/LIMITS.md), which would
  // otherwise set the rate measured here — 100 replies a second per source, and X25519 work held
  // to a quarter of a core (at an assumed 0.2 ms each, it capped ECC at about 350 handshakes/s).
  const { server, port } = await startServer(keys, {
    repliesPerSource: 1e9,
    repliesPerSecond: 1e9,
    handshakeCpuShare: 1,
    x25519Cost: 1e-6,
  })
  try {
    const rows: Row[] = []
    for (const ecc of [false, true]) {
      const latencies: number[] = []
      const once = async () => {
        const client = await startClient(keys, port, ecc)
        const start = performance.now()
        await client.waitForServer({ timeout: 2000 })
        latencies.push(performance.now() - start)
        await client.close()
      }
      const rate = await sequential(once, budget)
      latencies.sort((a, b) => a - b)
      const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN
      const suite = ecc ? 'ECC' : 'PSK'
      rows.push(row(`${suite} handshake latency (median)`, '-', median, undefined, 'ms'))
      rows.push(
        row(`${suite} handshakes, sequential (incl. socket setup)`, '-', rate.perSecond, undefined, 'hs/s'),
      )
    }
    return rows
  } finally {
    await server.close()
  }
}

export default defineScenario({
  name: 'handshake',
  mode: 'one-process',
  run: ({ keys, budget }) => handshakes(keys, budget),
})
