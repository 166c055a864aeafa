import { setTimeout as sleep } from 'node:timers/promises'
import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
import { loadCrypto } from '@pavillion/crypto'
import { startImpairmentProxy } from '@pavillion/test-utils'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { afterEach, expect, it } from 'vitest'
import { RegistersClient, RegistersServer, type RegisterUpdate } from '../src/index.ts'

// Over real UDP through the impairment proxy: 30 % loss each way, from a fixed seed (each direction's
// drops follow the seeded generator, datagram by datagram). The session is set up unimpaired.
const open: { close(): unknown }[] = []
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

async function lossyPair(seed: number) {
  const crypto = await loadCrypto()
  const clientId = new TextEncoder().encode('registers-loss-1')
  const psk = crypto.generatePsk()
  const runtime = nodeRuntime()
  const transport = await createUdpTransport({
    bind: { address: '127.0.0.1', port: 0 },
    separateSendSocket: true,
  })
  const core = new Server({
    crypto,
    runtime,
    transport,
    clients: new MemoryClientRegistry().addPsk(clientId, psk),
  })
  open.push(core)
  const server = new RegistersServer(core, { runtime })
  const proxy = await startImpairmentProxy({ target: transport.listenAddress(), seed })
  open.push(proxy)
  const client = new Client({
    crypto,
    runtime,
    destination: proxy.address,
    credentials: { type: 'psk', clientId, psk },
    transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
  })
  open.push(client)
  await client.waitForServer({ timeout: 5000 })
  proxy.setImpairment('toTarget', { loss: 0.3 })
  proxy.setImpairment('fromTarget', { loss: 0.3 })
  return {
    server,
    client: new RegistersClient(client, { runtime, retryInterval: 50, timeout: 20_000 }),
    proxy,
  }
}

it('under 30 % loss each way, every reliable write is applied exactly once, in order', async () => {
  const { server, client, proxy } = await lossyPair(1330)
  const applied: number[] = []
  server.declare({ register: 1, name: 'setpoint', datatype: 'u32', writer: (v) => void applied.push(v) })
  for (let i = 1; i <= 40; i++) await client.write(1, i, { type: 'u32' })
  expect(applied).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  expect(server.get(1)?.value).toBe(40)
  // The loss was real: requests and answers were dropped, and writes were repeated.
  expect(proxy.stats.toTarget.dropped).toBeGreaterThan(0)
  expect(proxy.stats.fromTarget.dropped).toBeGreaterThan(0)
  expect(server.stats().writes).toBeGreaterThan(server.stats().applied)
})

it('under 30 % loss each way, an observer ends with the latest value', async () => {
  const { server, client, proxy } = await lossyPair(2330)
  const level = server.declare({ register: 2, name: 'level', datatype: 'u32' })
  const observation = client.observe(2, { durationMs: 400, type: 'u32' })
  const seen: RegisterUpdate[] = []
  const reading = (async () => {
    for await (const update of observation) seen.push(update)
  })().catch((error: unknown) => error)
  for (let i = 1; i <= 50; i++) {
    level.set(i)
    await sleep(4)
  }
  for (let waited = 0; seen.at(-1)?.value !== 50 && waited < 15_000; waited += 20) await sleep(20)
  expect(seen.at(-1)?.value).toBe(50)
  expect(proxy.stats.fromTarget.dropped).toBeGreaterThan(0)
  observation.close()
  expect(await reading).toBeUndefined()
})
