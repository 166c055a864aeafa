import type { MemorySample } from '@pavillion/test-utils'
import type { PacedReport } from '../measure.ts'
import { newPsk, PEER_ROLES, withRoles } from '../remote/roles.ts'
import { row } from '../row.ts'
import { defineScenario } from '../scenario.ts'

const SIZE = 64
/** Each client starts one operation a second: with 1000 clients, 1000 a second. */
const PERIOD_MS = 1000
/** The memory baseline is the first sample after this share of the run (code compiled, caches filled). */
const WARM_UP = 1 / 6
/** The server's memory after warm-up may end at most this much higher (a leak of a few bytes per operation exceeds it). */
const GROWTH_BOUND = 0.1

/** What the server process reports when asked for its memory. */
type ServerSample = MemorySample & { readonly sessions: number; readonly retransmissions: number }

/** The figure that must stay flat: heap plus array buffers (session keys and packet buffers live outside the heap). */
const used = (sample: MemorySample) => sample.heapUsed + sample.arrayBuffers

/** Least-squares slope of `y` over `x`. */
function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  const n = points.length
  if (n < 2) return 0
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n
  const my = points.reduce((sum, p) => sum + p.y, 0) / n
  const sxy = points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0)
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0)
  return sxx === 0 ? 0 : sxy / sxx
}

const mib = (bytes: number) => bytes / 1024 / 1024

/**
 * A long steady load: `clients` clients in one process against a fresh
 * server process, each starting an RPC echo or a reliable publish (in turn)
 * once a second for `seconds`, every one awaited. The server's memory is
 * sampled after forced collections along the way. Fails unless every
 * operation succeeded, the server kept every session, and its memory after
 * warm-up grew by at most 10 %. Runs once, and only when `--only` names it.
 */
export default defineScenario({
  name: 'soak',
  mode: 'two-process',
  standalone: true,
  roles: PEER_ROLES,
  run: ({ soak: { clients, seconds } }) =>
    withRoles('soak', async (spawn) => {
      const psk = newPsk()
      const server = await spawn('server', { psk, clients })
      const client = await spawn('client', { psk, port: server.port, clients })
      const sampleEvery = Math.min(30, seconds / 10) * 1000
      const samples: { at: number; sample: ServerSample }[] = []
      const started = performance.now()
      const load = client.request<PacedReport>(
        { kind: 'paced', size: SIZE, periodMs: PERIOD_MS, seconds },
        seconds * 1000 + 60_000,
      )
      let finished = false
      void load.finally(() => {
        finished = true
      })
      while (!finished) {
        await Promise.race([load, new Promise((resolve) => setTimeout(resolve, sampleEvery))]).catch(
          () => undefined,
        )
        if (finished) break
        samples.push({
          at: (performance.now() - started) / 1000,
          sample: await server.request<ServerSample>({ memory: true }),
        })
      }
      const report = await load
      const end = await server.request<ServerSample>({ memory: true })
      samples.push({ at: (performance.now() - started) / 1000, sample: end })
      const settled = samples.filter((s) => s.at >= seconds * WARM_UP)
      const baseline = settled[0]?.sample ?? end
      const growth = (used(end) - used(baseline)) / used(baseline)
      const trend = slope(settled.map((s) => ({ x: s.at / 60, y: used(s.sample) / 1024 })))
      const operations = Object.values(report.operations).reduce((sum, n) => sum + n, 0)
      const failed = Object.values(report.failures).reduce((sum, n) => sum + n, 0)
      const problems = [
        ...Object.entries(report.failures).map(([what, n]) => `${n} × ${what}`),
        ...(end.sessions === clients ? [] : [`the server holds ${end.sessions} of ${clients} sessions`]),
        ...(growth <= GROWTH_BOUND
          ? []
          : [
              `server memory grew ${(growth * 100).toFixed(1)} % after warm-up (bound ${GROWTH_BOUND * 100} %): ` +
                settled.map((s) => `${s.at.toFixed(0)} s ${mib(used(s.sample)).toFixed(2)} MiB`).join(', '),
            ]),
      ]
      if (problems.length > 0) throw new Error(`soak: ${problems.join('; ')}`)
      const who = `${clients} clients, ${seconds} s`
      return [
        row(`soak (${who}): operations, all acknowledged`, `${SIZE} B`, operations, undefined, 'ops'),
        row(`soak (${who}): failed operations`, `${SIZE} B`, failed, undefined, 'ops'),
        row(`soak (${who}): latency p50`, `${SIZE} B`, report.p50, undefined, 'ms'),
        row(`soak (${who}): latency p99`, `${SIZE} B`, report.p99, undefined, 'ms'),
        row(`soak (${who}): server retransmissions`, '-', end.retransmissions, undefined, 'packets'),
        row(
          `soak (${who}): server heap + buffers at ${baseline === end ? 'end' : 'warm-up'}`,
          '-',
          mib(used(baseline)),
          undefined,
          'MiB',
        ),
        row(`soak (${who}): server heap + buffers at end`, '-', mib(used(end)), undefined, 'MiB'),
        row(`soak (${who}): server memory trend after warm-up`, '-', trend, undefined, 'KiB/min'),
        row(`soak (${who}): server RSS at end`, '-', mib(end.rss), undefined, 'MiB'),
      ]
    }),
})
