import { afterEach, describe, expect, it } from 'vitest'
import { Cell } from './support/cell.ts'

// Handshake convergence over real UDP: 100 PSK clients start together behind the impairment proxy
// at 30 % uniform loss each way (issue #15, item 7). The loss is not left to chance: the proxy draws
// each client's fates from its own generator seeded from SEED, so every run drops the same datagrams
// of each client whatever the interleaving; what varies is only when the loaded machine runs the
// timers. The SimWorld twin (core/test/handshake-loss.test.ts) proves the same bound in virtual time.
// The verdict does not depend on the machine's speed either: "within 5 s" is asserted on the engine's
// own schedule (each client connected within its first 17 attempts, the 16 fast retries at 250 ms
// ±25 %, at most 5 s), which a loaded machine stretches in wall-clock time but does not change; the
// wall-clock distribution is reported, and bounded only by a margin a starved machine still meets.

const CLIENTS = 100
const LOSS = 0.3
const SEED = 30
/** The done-when bound: every client connected within 5 s of its start. */
const BOUND = 5_000
/** Datagrams a client sends in its first 17 attempts (16 fast retries): a nonce request and at most one client info each. */
const FAST_PHASE_DATAGRAMS = 2 * 17

let cell: Cell | undefined
afterEach(async () => {
  await cell?.close()
  cell = undefined
})

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN

describe('handshakes at 30 percent loss each way, real UDP', () => {
  it(`${CLIENTS} clients all connect within 5 s`, async () => {
    // Measured from before the sockets are made: the clients start handshaking as each is built.
    const started = performance.now()
    cell = await Cell.start({
      seed: SEED,
      clients: CLIENTS,
      toTarget: { loss: LOSS },
      fromTarget: { loss: LOSS },
    })
    const c = cell
    const built = Math.round(performance.now() - started)
    const sentBeforeConnect: number[] = []
    const times = await Promise.all(
      c.clients.map(async (client) => {
        // A client that connected while the others were still being built sends nothing more: counted now.
        const sent = (): number => sentBeforeConnect.push(client.stats().datagramsOut)
        if (client.servers().length > 0) sent()
        else client.on('server:connected', sent, { signal: AbortSignal.timeout(6 * BOUND) })
        await client.waitForServer({ timeout: 6 * BOUND })
        return Math.round(performance.now() - started)
      }),
    )
    times.sort((a, b) => a - b)
    const [p50, p90, max] = [quantile(times, 0.5), quantile(times, 0.9), times.at(-1)]
    const { toTarget, fromTarget } = c.proxy.stats
    console.info(
      `PSK connect over real UDP at 30 % loss each way, ms: p50 ${p50} p90 ${p90} max ${max} (n ${times.length}, ` +
        `sockets built after ${built}; datagrams sent before connecting: at most ${Math.max(...sentBeforeConnect)}); ` +
        `proxy dropped ${toTarget.dropped}/${toTarget.received} to the server, ${fromTarget.dropped}/${fromTarget.received} back`,
    )
    expect(c.server.sessions()).toHaveLength(CLIENTS)
    expect(toTarget.dropped).toBeGreaterThan(0)
    expect(fromTarget.dropped).toBeGreaterThan(0)
    expect(sentBeforeConnect).toHaveLength(CLIENTS)
    expect(Math.max(...sentBeforeConnect)).toBeLessThanOrEqual(FAST_PHASE_DATAGRAMS)
    expect(max).toBeLessThanOrEqual(6 * BOUND)
    expect(c.errors).toEqual([])
  })
})
