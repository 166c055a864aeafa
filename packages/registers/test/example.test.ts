import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
import { loadCrypto } from '@pavillion/crypto'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { expect, it } from 'vitest'
import { RegistersClient, RegistersServer } from '../src/index.ts'

it('the README example runs as written', async () => {
  const log: unknown[][] = []
  const print = (...values: unknown[]) => log.push(values)

  const crypto = await loadCrypto()
  const clientId = new TextEncoder().encode('sensor-000000001')
  const psk = crypto.generatePsk()
  const runtime = nodeRuntime()
  const transport = await createUdpTransport({ bind: { address: '127.0.0.1' }, separateSendSocket: true })
  const server = new Server({
    crypto,
    runtime,
    transport,
    clients: new MemoryClientRegistry().addPsk(clientId, psk),
  })
  const client = new Client({
    crypto,
    runtime,
    destination: transport.listenAddress(),
    credentials: { type: 'psk', clientId, psk },
    transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
  })

  const registers = new RegistersServer(server, { runtime })
  const temperature = registers.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 21.5 })
  registers.declare({
    register: 101,
    name: 'dimmer',
    datatype: 'u8',
    writer: (level) => void print('dimmer', level),
  })

  const remote = new RegistersClient(client, { runtime })
  print(await remote.read(100)) // 21.5
  await remote.write(101, 40) // 'dimmer' 40, then resolves
  print((await remote.list()).map((r) => r.name)) // ['temperature', 'dimmer']
  for await (const { value } of remote.observe(100, { rateLimitMs: 200 })) {
    print(value) // 21.5, then 22
    if (value === 22) break
    temperature.set(22)
  }

  await client.close()
  await server.close()

  expect(log).toEqual([[21.5], ['dimmer', 40], [['temperature', 'dimmer']], [21.5], [22]])
})
