import { setTimeout as sleep } from 'node:timers/promises'
import { freePort, GROUP, loopbackMulticastProblem } from '@pavillion/transport-node/testing'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RemoteError, RpcClient, RpcError, RpcServer } from '../src/index.ts'
import { createUdpHarness, text, type UdpHarness } from './support/udp.ts'

let h: UdpHarness
beforeAll(async () => {
  h = await createUdpHarness()
})
afterEach(async () => {
  await h.close()
})

const problem = await loopbackMulticastProblem()

/** Two servers in one group (interface 127.0.0.1), each answering 401 with its name; a client calling the group. */
async function group() {
  const port = await freePort()
  const names = ['alpha', 'beta']
  const runs = new Map<string, number>()
  for (const name of names) {
    const { server } = await h.server({ group: { address: GROUP, port } })
    const rpcServer = h.track(new RpcServer(server))
    rpcServer.handle(401, () => {
      runs.set(name, (runs.get(name) ?? 0) + 1)
      return new TextEncoder().encode(name)
    })
    rpcServer.handle(402, () => {
      if (name === 'beta') throw new RpcError(4000, 'beta refuses')
      return new TextEncoder().encode(name)
    })
  }
  const client = await h.client({ address: GROUP, port })
  for (let i = 0; i < 400 && client.servers().length < 2; i++) await sleep(5)
  expect(client.servers()).toHaveLength(2)
  return { rpc: h.track(new RpcClient(client)), client, runs }
}

describe.skipIf(problem !== undefined)(
  `calls to a multicast group on the loopback interface${problem ? ` — skipped: ${problem}` : ''}`,
  () => {
    it('callAll gathers one answer per server, results and errors alike', async () => {
      const { rpc, client } = await group()
      const results = await rpc.callAll(401, undefined, { timeout: 2000 }) // always waited in full: room for a busy machine
      expect(results.map((r) => ('result' in r ? text(r.result) : 'error')).sort()).toEqual(['alpha', 'beta'])
      expect(new Set(results.map((r) => r.server.key))).toEqual(new Set(client.servers().map((s) => s.key)))

      const mixed = await rpc.callAll(402, undefined, { timeout: 2000 })
      const failed = mixed.find((r) => 'error' in r)
      const answered = mixed.find((r) => 'result' in r)
      expect(failed && 'error' in failed && failed.error).toBeInstanceOf(RemoteError)
      expect(failed && 'error' in failed && failed.error.status).toBe(4000)
      expect(answered && 'result' in answered && text(answered.result)).toBe('alpha')
    })

    it('call takes the first answer; every server still runs the call once (D17)', async () => {
      const { rpc, runs } = await group()
      expect(['alpha', 'beta']).toContain(text(await rpc.call(401)))
      for (let i = 0; i < 200 && runs.size < 2; i++) await sleep(5)
      expect(runs).toEqual(
        new Map([
          ['alpha', 1],
          ['beta', 1],
        ]),
      )
    })

    it('callAll resolves with an empty list when no server answers in time', async () => {
      const client = await h.client({ address: GROUP, port: await freePort() }) // nobody listens there
      const rpc = h.track(new RpcClient(client))
      expect(await rpc.callAll(401, undefined, { timeout: 300 })).toEqual([])
    })
  },
)
