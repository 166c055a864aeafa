import type { ClientRequest } from '../remote/client-role.ts'
import { measure, newPsk, PEER_ROLES, withRoles } from '../remote/roles.ts'
import { measuredRow, type Row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

/** Bytes a Pavillion datagram adds to the payload, per operation (the raw baseline sends the same size). */
export const OVERHEAD = { rpc: 38, publish: 44 } as const

const SHAPES = [
  { name: 'RPC echo, 32 in flight', op: 'rpc', size: 64, unit: 'calls/s' },
  { name: 'RPC echo, 32 in flight', op: 'rpc', size: 1024, unit: 'calls/s' },
  { name: 'reliable publish, 32 in flight', op: 'publish', size: 1024, unit: 'msg/s' },
] as const

/** One client process and one server process, 32 operations in flight, beside raw node:dgram between two processes. */
export default defineScenario({
  name: 'remote-echo',
  mode: 'two-process',
  roles: PEER_ROLES,
  run: ({ budget }) =>
    withRoles('remote-echo', async (spawn) => {
      const psk = newPsk()
      const server = await spawn('server', { psk, clients: 1 })
      const rawServer = await spawn('raw-server', {})
      const client = await spawn('client', { psk, port: server.port })
      const rawClient = await spawn('raw-client', { port: rawServer.port })
      const rows: Row[] = []
      for (const shape of SHAPES) {
        const request: ClientRequest = { kind: 'rate', op: shape.op, size: shape.size, window: 32, budget }
        const ours = await measure([server], client, request)
        const base = await measure([rawServer], rawClient, {
          ...request,
          size: shape.size + OVERHEAD[shape.op],
        })
        rows.push(measuredRow(shape.name, `${shape.size} B`, ours, base, shape.unit))
      }
      return rows
    }),
})
