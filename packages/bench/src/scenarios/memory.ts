import { ClientEndpoint, MemoryClientRegistry, ServerEndpoint } from '@pavillion/core'
import type { Keys } from '../pair.ts'
import { type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

/** JavaScript heap plus array buffers (typed arrays over 64 bytes keep their bytes outside the heap). */
function usedBytes(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

/**
 * Server memory per established session: `count` sans-I/O handshakes against
 * one ServerEndpoint (no sockets), heap measured before and after with the
 * clients released. Counts array buffers too; needs `--expose-gc` for a clean figure.
 */
async function memoryPerSession(keys: Keys, count: number): Promise<Row[]> {
  const gc = (globalThis as { gc?: () => void }).gc
  const server = new ServerEndpoint({
    crypto: keys.crypto,
    clients: new MemoryClientRegistry().addPsk(keys.clientId, keys.psk),
    // Handshakes as fast as the loop makes them, from one address: no reply budget in the way.
    limits: { maxSessions: count, maxPending: count, repliesPerSource: 1e9, repliesPerSecond: 1e9 },
  })
  const destination = { address: '127.0.0.1', port: 1783 }
  gc?.()
  const before = usedBytes()
  for (let i = 0; i < count; i++) {
    const from = { address: `10.0.${(i >> 8) & 255}.${i & 255}`, port: 20_000 + (i % 40_000) }
    const client = new ClientEndpoint({
      crypto: keys.crypto,
      destination,
      credentials: { type: 'psk', clientId: keys.clientId, psk: keys.psk },
      timing: { keepaliveInterval: 0 },
    })
    client.start(0)
    for (let round = 0; round < 3; round++) {
      for (let t = client.pollTransmit(); t; t = client.pollTransmit())
        server.handleDatagram(0, from, t.bytes)
      for (let t = server.pollTransmit(); t; t = server.pollTransmit())
        client.handleDatagram(0, destination, t.bytes)
    }
    while (server.pollEvent());
  }
  gc?.()
  const after = usedBytes()
  const sessions = server.sessionCount
  if (sessions !== count) throw new Error(`expected ${count} sessions, got ${sessions}`)
  return [
    row(
      `server memory per session (${sessions} sessions${gc ? '' : ', no --expose-gc'})`,
      '-',
      (after - before) / sessions,
      undefined,
      'bytes',
    ),
  ]
}

export default defineScenario({
  name: 'memory',
  mode: 'one-process',
  run: ({ keys, sessions }) => memoryPerSession(keys, sessions),
})
