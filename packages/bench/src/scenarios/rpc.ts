import { RpcClient, RpcServer } from '@pavillion/rpc'
import type { Budget } from '../measure.ts'
import { windowed } from '../measure.ts'
import { type Keys, startClient, startServer } from '../pair.ts'
import { RawEcho } from '../raw-udp.ts'
import { type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

/** RPC echo calls per second, sequential and 32 in flight, beside a raw node:dgram ping-pong of the same size. */
async function rpcCalls(keys: Keys, budget: Budget, sizes: readonly number[]): Promise<Row[]> {
  const raw = await RawEcho.start()
  const { server, port } = await startServer(keys)
  const rpcServer = new RpcServer(server)
  rpcServer.handle(401, (args) => args)
  const client = await startClient(keys, port)
  const rpc = new RpcClient(client)
  try {
    await client.waitForServer({ timeout: 2000 })
    const rows: Row[] = []
    for (const size of sizes) {
      const args = new Uint8Array(size)
      const call = async () => {
        const result = await rpc.call(401, args, { timeout: 2000 })
        if (result.length !== size) throw new Error('echo returned the wrong length')
      }
      for (const window of [1, 32]) {
        const ours = await windowed(call, window, budget)
        const base = await windowed(() => raw.roundTrip(size + 38), window, budget)
        const name = window === 1 ? 'RPC echo, sequential' : 'RPC echo, 32 in flight'
        rows.push(row(name, `${size} B`, ours.perSecond, base.perSecond, 'calls/s'))
      }
    }
    return rows
  } finally {
    rpc.close()
    rpcServer.close()
    await Promise.all([client.close(), server.close(), raw.close()])
  }
}

export default defineScenario({
  name: 'rpc',
  mode: 'one-process',
  run: ({ keys, budget }) => rpcCalls(keys, budget, [64, 1024]),
})
