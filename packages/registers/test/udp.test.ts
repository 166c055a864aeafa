import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, GROUP, loopbackMulticastProblem, waitUntil } from '@pavillion/transport-node/testing'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RegisterRefusedError, type RegisterUpdate } from '../src/index.ts'
import { createUdpHarness, registersClient, registersServer, type UdpHarness } from './support/udp.ts'

let h: UdpHarness
beforeAll(async () => {
  h = await createUdpHarness()
})
afterEach(async () => {
  await h.close()
})

describe.each(['psk', 'ecc'] as const)('over real UDP, %s client', (suite) => {
  it('reads, writes reliably and unreliably, observes with coalescing, describes and lists', async () => {
    const { registers: server, port } = await registersServer(h)
    const written: number[] = []
    const temperature = server.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 21.5 })
    server.declare({ register: 101, name: 'dimmer', datatype: 'u8', writer: (v) => void written.push(v) })
    const { registers: client } = await registersClient(h, { address: '127.0.0.1', port }, suite)

    expect(await client.read(100)).toBe(21.5)
    await client.write(101, 40)
    expect(written).toEqual([40])
    await client.writeUnreliable(101, 41)
    await waitUntil(() => written.length === 2)
    expect(written).toEqual([40, 41])
    expect((await client.info(101)).writable).toBe(true)
    expect((await client.list()).map((r) => r.name)).toEqual(['temperature', 'dimmer'])
    await expect(client.write(100, 3)).rejects.toMatchObject({ reason: 'read-only' })

    const observation = client.observe(100, { rateLimitMs: 100, durationMs: 400 })
    const seen: RegisterUpdate[] = []
    const reading = (async () => {
      for await (const update of observation) seen.push(update)
    })()
    await waitUntil(() => seen.length === 1)
    expect(seen[0]?.value).toBe(21.5)
    for (let i = 1; i <= 10; i++) temperature.set(21.5 + i) // ten changes at once: coalesced
    await waitUntil(() => seen.at(-1)?.value === 31.5)
    expect(seen.at(-1)?.value).toBe(31.5)
    expect(seen.length).toBeLessThanOrEqual(4)
    await sleep(600) // past the 400 ms duration: renewed
    temperature.set(1)
    await waitUntil(() => seen.at(-1)?.value === 1)
    expect(seen.at(-1)?.value).toBe(1)
    observation.close()
    await reading
    await waitUntil(() => server.stats().observers === 0)
    expect(server.stats().observers).toBe(0)
  })
})

const problem = await loopbackMulticastProblem()

describe.skipIf(problem !== undefined)(
  `a two-server multicast group on the loopback interface${problem ? ` — skipped: ${problem}` : ''}`,
  () => {
    async function group() {
      const port = await freePort()
      const servers = []
      for (const name of ['alpha', 'beta']) {
        const { registers } = await registersServer(h, { address: GROUP, port })
        const writes: string[] = []
        const label = registers.declare({
          register: 5,
          name: 'label',
          datatype: 'utf8',
          value: name,
          writer: (v) => void writes.push(v),
        })
        servers.push({ registers, label, writes, name })
      }
      const { core, registers: client } = await registersClient(h, { address: GROUP, port })
      await waitUntil(() => core.servers().length === 2)
      expect(core.servers()).toHaveLength(2)
      return { servers, client }
    }

    it('readAll gathers one value per server; read takes the first', async () => {
      const { client } = await group()
      const all = await client.readAll(5, { timeout: 500 })
      expect(all.map((r) => ('value' in r ? r.value : 'error')).sort()).toEqual(['alpha', 'beta'])
      expect(['alpha', 'beta']).toContain(await client.read(5))
      const missing = await client.readAll(6, { timeout: 500, type: 'u8' })
      expect(missing).toHaveLength(2)
      for (const r of missing) expect('error' in r && r.error).toBeInstanceOf(RegisterRefusedError)
    })

    it('a write to the group reaches every server; each observer notification arrives once per server', async () => {
      const { client, servers } = await group()
      await client.write(5, 'both')
      await waitUntil(() => servers.every((s) => s.writes.length === 1))
      expect(servers.map((s) => s.writes)).toEqual([['both'], ['both']])

      const seen: RegisterUpdate[] = []
      const observation = client.observe(5, { durationMs: 2000 })
      const reading = (async () => {
        for await (const update of observation) seen.push(update)
      })()
      await waitUntil(() => new Set(seen.map((u) => u.server.key)).size === 2)
      const before = seen.length
      servers[0]!.label.set('one')
      servers[1]!.label.set('two')
      await waitUntil(() => seen.length >= before + 2)
      await sleep(50)
      const after = seen.slice(before)
      expect(after.map((u) => u.value).sort()).toEqual(['one', 'two'])
      observation.close()
      await reading
    })
  },
)
