import { SimWorld } from '@pavillion/core/testing'
import { afterEach, expect, it } from 'vitest'
import { RpcClient, RpcServer } from '../src/index.ts'

const SERVER = { address: '10.0.0.1', port: 1783 }
const CLIENTS = 100

let world: SimWorld | undefined
afterEach(async () => {
  await world?.close()
})

// The soak with 1000 clients lost 0.09 % of its calls: with more callers than cached calls, a call whose
// response was lost had left the cache before its retransmission came, and was answered "no longer kept".
it('serves 100 clients calling one at a time over a lossy network: every call answered, each run once', async () => {
  const ids = Array.from({ length: CLIENTS }, (_, i) => `many-client-${String(i).padStart(4, '0')}`)
  world = await SimWorld.create({ seed: 19, clientIds: ids })
  const server = world.server(SERVER)
  // As many cached calls as clients: fewer than the finished calls that still await a retransmission.
  const rpcServer = new RpcServer(server, { cacheEntries: CLIENTS })
  const runs = new Map<string, number>()
  rpcServer.handle(401, (args) => {
    const key = new TextDecoder().decode(args)
    runs.set(key, (runs.get(key) ?? 0) + 1)
    return args
  })
  world.net.impair({}, { loss: 0.1, duplicate: 0.05, reorder: 0.05 })
  const rpcs = ids.map((_, who) => new RpcClient(world!.client(SERVER, { who }), { timeout: 5000 }))
  await world.run(3000, 5) // every handshake done, retries included
  const failures: string[] = []
  let answered = 0
  let stop = false
  const loops = rpcs.map(async (rpc, who) => {
    for (let i = 0; !stop; i++) {
      const args = new TextEncoder().encode(`${who}-${i}`)
      try {
        expect(await rpc.call(401, args)).toEqual(args)
        answered++
      } catch (error) {
        failures.push(`${who}-${i}: ${String(error)}`)
      }
    }
  })
  await world.run(1500)
  stop = true
  await world.run(6000, 5)
  await Promise.all(loops)
  expect(failures).toEqual([])
  expect(answered).toBeGreaterThan(10 * CLIENTS)
  expect([...runs.values()].every((n) => n === 1)).toBe(true)
  const stats = rpcServer.stats()
  expect(stats.duplicates).toBeGreaterThan(0) // responses were lost and calls retransmitted
  expect(stats.expired).toBe(0)
}, 120_000)
