import { measure, newPsk, PEER_ROLES, withRoles } from '../remote/roles.ts'
import { measuredRow, type Row } from '../row.ts'
import { defineScenario } from '../scenario.ts'
import { OVERHEAD } from './remote-echo.ts'

const COUNTS = [1, 10, 100, 1000]
const SIZE = 64

/**
 * N clients (each its own socket, one operation in flight) in one process
 * against a fresh server process, beside one raw socket with N in flight.
 */
export default defineScenario({
  name: 'remote-clients',
  mode: 'two-process',
  roles: PEER_ROLES,
  run: ({ budget }) =>
    withRoles('remote-clients', async (spawn) => {
      const rawServer = await spawn('raw-server', {})
      const rawClient = await spawn('raw-client', { port: rawServer.port })
      const rows: Row[] = []
      for (const clients of COUNTS) {
        const ours = await withRoles('remote-clients', async (spawnFresh) => {
          const psk = newPsk()
          const server = await spawnFresh('server', { psk, clients })
          const client = await spawnFresh('client', { psk, port: server.port, clients })
          const rpc = await measure([server], client, {
            kind: 'rate',
            op: 'rpc',
            size: SIZE,
            window: 1,
            budget,
          })
          const pub = await measure([server], client, {
            kind: 'rate',
            op: 'publish',
            size: SIZE,
            window: 1,
            budget,
          })
          return { rpc, pub }
        })
        const raw = await measure([rawServer], rawClient, {
          kind: 'rate',
          size: SIZE + OVERHEAD.rpc,
          window: clients,
          budget,
        })
        const who = `${clients} client${clients === 1 ? '' : 's'}, 1 in flight each (raw: window ${clients})`
        rows.push(measuredRow(`RPC echo, ${who}`, `${SIZE} B`, ours.rpc, raw, 'calls/s'))
        rows.push(measuredRow(`reliable publish, ${who}`, `${SIZE} B`, ours.pub, raw, 'msg/s'))
      }
      return rows
    }),
})
