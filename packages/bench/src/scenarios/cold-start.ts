import type { Series } from '../measure.ts'
import type { RemoteRole } from '../remote/fork.ts'
import { newPsk, PEER_ROLES, withRoles } from '../remote/roles.ts'
import { row } from '../row.ts'
import { defineScenario } from '../scenario.ts'
import { OVERHEAD } from './remote-echo.ts'

const SIZE = 64
const FIRST = 1000
const SKIP = 2000
const WARM = 1000

/** A series of calls with the CPU time of both processes (the server's read before and after). */
async function phase(server: RemoteRole, client: RemoteRole, size: number, count: number): Promise<Series> {
  const before = await server.request<{ cpuMs: number }>({})
  const calls = await client.request<Series>({ kind: 'series', size, count })
  const after = await server.request<{ cpuMs: number }>({})
  return { ...calls, cpuMs: calls.cpuMs + after.cpuMs - before.cpuMs }
}

/** Fresh processes: the first calls (after the handshake), then warm ones after SKIP more. */
function coldThenWarm(raw: boolean): Promise<{ first: Series; warm: Series }> {
  return withRoles('cold-start', async (spawn) => {
    const psk = newPsk()
    const server = await spawn(raw ? 'raw-server' : 'server', { psk, clients: 1 })
    const client = await spawn(raw ? 'raw-client' : 'client', { psk, port: server.port })
    const size = raw ? SIZE + OVERHEAD.rpc : SIZE
    const first = await phase(server, client, size, FIRST)
    await phase(server, client, size, SKIP)
    return { first, warm: await phase(server, client, size, WARM) }
  })
}

/**
 * The first 1000 sequential RPC echoes of a fresh client process against a
 * fresh server process (after the handshake), against calls 3001–4000 of the
 * same processes; raw: the same with fresh raw processes. CPU time per call
 * (both processes) says what the latencies of a loaded machine cannot.
 */
export default defineScenario({
  name: 'cold-start',
  mode: 'two-process',
  roles: PEER_ROLES,
  async run() {
    const ours = await coldThenWarm(false)
    const raw = await coldThenWarm(true)
    const payload = `${SIZE} B`
    const perCall = (s: Series, count: number) => (1000 * s.cpuMs) / count
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
      row(
        'CPU per call, first 1000 (both processes)',
        payload,
        perCall(ours.first, FIRST),
        perCall(raw.first, FIRST),
        'µs',
      ),
      row(
        'CPU per call, warm (both processes)',
        payload,
        perCall(ours.warm, WARM),
        perCall(raw.warm, WARM),
        'µs',
      ),
    ]
  },
})
