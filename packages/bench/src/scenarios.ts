import { ClientEndpoint, MemoryClientRegistry, ServerEndpoint } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { type Budget, sequential, windowed } from './measure.ts'
import { type Keys, startClient, startServer } from './pair.ts'
import { RawEcho } from './raw-udp.ts'
import { type Row, row } from './row.ts'

/** Reliable messages (client → server, acknowledged) per second, sequential and 32 in flight, beside raw ping-pong. */
export async function reliableMessages(keys: Keys, budget: Budget, sizes: readonly number[]): Promise<Row[]> {
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

/** Handshake latency (new client to connected) and handshakes per second, PSK and ECC. */
export async function handshakes(keys: Keys, budget: Budget): Promise<Row[]> {
  const { server, port } = await startServer(keys)
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
export async function memoryPerSession(keys: Keys, count: number): Promise<Row[]> {
  const gc = (globalThis as { gc?: () => void }).gc
  const server = new ServerEndpoint({
    crypto: keys.crypto,
    clients: new MemoryClientRegistry().addPsk(keys.clientId, keys.psk),
    limits: { maxSessions: count, maxPending: count },
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
