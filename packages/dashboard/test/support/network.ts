import {
  createClient,
  createServer,
  generatePsk,
  type PavillionClient,
  type PavillionServer,
  type PresharedKey,
} from 'pavillion'
import type { DeclaredRegister } from 'pavillion/registers'

/** Two servers with a reverse function, the dashboard's client of each, and a hosted server with a sensor client. */
export interface TestNetwork {
  readonly psk: PresharedKey
  readonly servers: readonly [PavillionServer, PavillionServer]
  /** The dashboard's clients: one per server. */
  readonly clients: readonly [PavillionClient, PavillionClient]
  /** A server the dashboard hosts, and an outside client connected to it. */
  readonly hub: PavillionServer
  readonly sensor: PavillionClient
  /** The first server's register 100 (`temperature`, f32), which the tests change. */
  readonly temperature: DeclaredRegister<'f32'>
  close(): Promise<void>
}

const DASHBOARD_ID = 'dashboard-000001'
const SENSOR_ID = 'sensor-kitchen-1'

/** Starts the network on loopback UDP and waits until every client is connected. */
export async function startNetwork(): Promise<TestNetwork> {
  const psk = await generatePsk()
  const servers: PavillionServer[] = []
  for (const [room, temperature] of [
    ['kitchen', 21],
    ['hall', 18],
  ] as const) {
    const server = await createServer({
      bind: '127.0.0.1',
      port: 0,
      clients: { psk: { [DASHBOARD_ID]: psk } },
      status: () => ({ battery: { percent: 80 }, network: { type: 'wlan', rssi: -55 }, temperature }),
    })
    server.rpc.handle(401, (args) => args.slice().reverse(), { name: 'reverse' })
    server.rpc.handle(402, () => new TextEncoder().encode(room), { name: 'room' })
    servers.push(server)
  }
  const temperature = servers[0]!.registers.declare({
    register: 100,
    name: 'temperature',
    datatype: 'f32',
    value: 20,
  })
  servers[0]!.registers.declare({
    register: 101,
    name: 'mode',
    datatype: 'utf8',
    value: 'eco',
    writer: () => undefined,
  })
  const clients = await Promise.all(
    servers.map((s) =>
      createClient({
        address: `127.0.0.1:${s.address.port}`,
        bind: '127.0.0.1',
        clientId: DASHBOARD_ID,
        psk,
      }),
    ),
  )
  const hub = await createServer({ bind: '127.0.0.1', port: 0, clients: { psk: { [SENSOR_ID]: psk } } })
  const sensor = await createClient({
    address: `127.0.0.1:${hub.address.port}`,
    bind: '127.0.0.1',
    clientId: SENSOR_ID,
    psk,
  })
  await Promise.all([...clients, sensor].map((c) => c.waitForServer({ timeout: 10_000 })))
  // A first exchange measures RTT; an acknowledged publish brings the status bytes.
  await Promise.all(clients.map((c) => c.call(0, 'hi', { timeout: 10_000 })))
  await Promise.all(clients.map((c) => c.publish('hello', 'dashboard', 'up', { timeout: 10_000 })))
  await sensor.call(0, 'hi', { timeout: 10_000 })
  return {
    psk,
    servers: servers as [PavillionServer, PavillionServer],
    clients: clients as [PavillionClient, PavillionClient],
    hub,
    sensor,
    temperature,
    close: async () => {
      for (const c of [...clients, sensor]) await c.close()
      for (const s of [...servers, hub]) await s.close()
    },
  }
}
