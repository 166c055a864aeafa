import type { ColdFigures } from '../remote/raw-peers.ts'
import { newPsk, PEER_ROLES, withRoles } from '../remote/roles.ts'
import { row } from '../row.ts'
import { defineScenario } from '../scenario.ts'
import { OVERHEAD } from './remote-echo.ts'

const SIZE = 64
const SHAPE = { first: 1000, skip: 2000, warm: 1000 }

/**
 * The first 1000 sequential RPC echoes of a fresh client process against a
 * fresh server process (after the handshake), against calls 3001–4000 of the
 * same processes; raw: the same with fresh raw processes.
 */
export default defineScenario({
  name: 'cold-start',
  mode: 'two-process',
  roles: PEER_ROLES,
  async run() {
    const ours = await withRoles('cold-start', async (spawn) => {
      const psk = newPsk()
      const server = await spawn('server', { psk, clients: 1 })
      const client = await spawn('client', { psk, port: server.port })
      return client.request<ColdFigures>({ kind: 'cold', size: SIZE, ...SHAPE })
    })
    const raw = await withRoles('cold-start', async (spawn) => {
      const server = await spawn('raw-server', {})
      const client = await spawn('raw-client', { port: server.port })
      return client.request<ColdFigures>({ kind: 'cold', size: SIZE + OVERHEAD.rpc, ...SHAPE })
    })
    const payload = `${SIZE} B`
    return [
      row('first 1000 calls of fresh processes, p50', payload, ours.first.p50, raw.first.p50, 'ms'),
      row('first 1000 calls of fresh processes, p99', payload, ours.first.p99, raw.first.p99, 'ms'),
      row('first 1000 calls of fresh processes, max', payload, ours.first.max, raw.first.max, 'ms'),
      row('warm p99 (calls 3001–4000, same processes)', payload, ours.warm.p99, raw.warm.p99, 'ms'),
      row(
        'first-1000 p99 / warm p99',
        payload,
        ours.first.p99 / ours.warm.p99,
        raw.first.p99 / raw.warm.p99,
        '×',
      ),
    ]
  },
})
