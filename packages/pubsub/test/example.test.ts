import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
import { loadCrypto } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { expect, it } from 'vitest'
import { ClientPubSub, ServerPubSub, statusProvider } from '../src/index.ts'

it('the README / @packageDocumentation example runs as written', async () => {
  const log: unknown[][] = []
  const print = (...values: unknown[]) => log.push(values)

  const crypto = await loadCrypto()
  const clientId = new TextEncoder().encode('sensor-000000001')
  const psk = crypto.generatePsk()
  const transport = await createUdpTransport({ bind: { address: '127.0.0.1' }, separateSendSocket: true })
  const server = new Server({
    crypto,
    runtime: nodeRuntime(),
    transport,
    clients: new MemoryClientRegistry().addPsk(clientId, psk),
    status: statusProvider(() => ({ battery: { percent: 80, state: 'charging' }, temperature: 25 })),
  })
  const client = new Client({
    crypto,
    runtime: nodeRuntime(),
    destination: transport.listenAddress(),
    credentials: { type: 'psk', clientId, psk },
    transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
  })
  const serverSide = new ServerPubSub(server)
  const clientSide = new ClientPubSub(client)
  serverSide.subscribe('lights', (m) => print(m.sender.clientId, m.name, m.payload))

  await client.waitForServer({ timeout: 2000 })
  const report = await clientSide.publish('lights', 'kitchen', Uint8Array.of(1))
  print(
    report.outcome,
    report.acked.map((s) => s.key),
  )
  print(clientSide.status(report.acked[0]!.key)?.battery.percent)

  await client.close()
  await server.close()

  expect(log[0]).toEqual([clientId, 'kitchen', Uint8Array.of(1)])
  expect(log[1]).toEqual(['acknowledged', [expect.stringMatching(/^127\.0\.0\.1:\d+$/)]])
  expect(log[2]?.[0]).toBeCloseTo(79.4, 1)
})
