import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PeerAddress, Server } from '@pavillion/core'
import { ANNOUNCE_SETTLE_TIME, ServerPubSub } from '@pavillion/pubsub'
import { LoopbackWorld } from '@pavillion/transport-node/testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  eventually,
  freePort,
  GROUP,
  loopbackMulticastProblem,
  REFERENCE_RELIABLE_SCHEDULE,
  type ReferenceCredentials,
  ReferenceLikeClient,
  type ReferenceSendResult,
} from '../src/index.ts'

// #15 item 6: a client that does what the Python reference client does — start-up nonce request, client
// info, opcode 7, then a second nonce request and a re-key — sends reliable messages to our real server
// over real UDP on loopback (a group joined through 127.0.0.1: run inside `unshare --net` like CI). Every
// message must be acknowledged by the servers the reference waits for (their skeys of the moment), once
// each, without the retransmission pattern a subscriber filed under a dead key causes (every send then
// spends the whole 376 ms schedule and is reported unacknowledged although delivered).

const TARGET = 'lights'
const LATE = 'doors'
const YOUNG = 'windows'
const MESSAGES = 40
/** The reference's first retransmission, ms after the original (PROTOCOL.md §9.1). */
const FIRST_RETRANSMISSION = REFERENCE_RELIABLE_SCHEDULE[1] ?? 42

let world: LoopbackWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

interface Setup {
  readonly client: ReferenceLikeClient
  readonly servers: readonly { server: Server; pubsub: ServerPubSub; delivered: Map<string, number> }[]
  readonly serverErrors: unknown[]
  /** When the client started: every session is younger than `performance.now() - startedAt`. */
  readonly startedAt: number
}

async function setup(ecc: boolean, multicast: boolean): Promise<Setup> {
  const w = await LoopbackWorld.create()
  world = w
  const serverErrors: unknown[] = []
  const groupPort = multicast ? await freePort() : 0
  const servers: Setup['servers'][number][] = []
  let destination: PeerAddress | undefined
  for (let i = 0; i < (multicast ? 2 : 1); i++) {
    const { server, port } = await w.server(multicast ? { group: { address: GROUP, port: groupPort } } : {})
    server.on('error', ({ error }) => serverErrors.push(error))
    const pubsub = w.track(new ServerPubSub(server))
    const delivered = new Map<string, number>()
    // Listening from the start: the old server announced this target (opcode 13) right after opcode 7.
    pubsub.subscribe(TARGET, (m) => delivered.set(m.name, (delivered.get(m.name) ?? 0) + 1))
    servers.push({ server, pubsub, delivered })
    destination = multicast ? { address: GROUP, port: groupPort } : { address: '127.0.0.1', port }
  }
  const identity = w.keys.identities[0]!
  const credentials: ReferenceCredentials = ecc
    ? {
        type: 'ecc',
        clientId: identity.clientId,
        keyPair: identity.keyPair,
        serverPublicKey: w.keys.serverKeys.publicKey,
      }
    : { type: 'psk', clientId: identity.clientId, psk: identity.psk }
  const startedAt = performance.now()
  const client = w.track(
    await ReferenceLikeClient.start({ crypto: w.keys.crypto, destination: destination!, credentials }),
  )
  // The reference's habit: asked again after opcode 7, so every server keyed it twice and accepted it twice.
  await eventually(
    () =>
      (client.servers().length === servers.length &&
        client.servers().every((s) => s.keyings >= 2 && s.accepts >= 2)) ||
      undefined,
    10_000,
    'the reference-like client to re-key with every server',
  )
  return { client, servers, serverErrors, startedAt }
}

/** What a run of sends came to, and the longest stall of this process's event loop meanwhile (ms). */
interface Run {
  readonly results: readonly ReferenceSendResult[]
  readonly stalled: number
}

async function sendAll(client: ReferenceLikeClient, target: string, prefix: string): Promise<Run> {
  const results: ReferenceSendResult[] = []
  const delay = monitorEventLoopDelay({ resolution: 5 })
  delay.enable()
  for (let i = 0; i < MESSAGES; i++)
    results.push(await client.send(target, `${prefix}${i}`, Uint8Array.of(i)))
  delay.disable()
  return { results, stalled: delay.max / 1e6 }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
}

/** What a run of sends came to: unacknowledged and retransmitted counts, latency percentiles (ms). */
function summary(results: readonly ReferenceSendResult[]) {
  const latencies = results.map((r) => r.latency)
  return {
    unacknowledged: results.filter((r) => !r.acknowledged).length,
    retransmitted: results.filter((r) => r.transmissions > 1).length,
    p50: Math.round(percentile(latencies, 0.5)),
    p90: Math.round(percentile(latencies, 0.9)),
    max: Math.round(Math.max(...latencies)),
  }
}

/** Every send acknowledged by whom it waited for (the servers' current skeys), delivered once at each server. */
function expectHealthy(s: Setup, run: Run, prefix: string): void {
  const { results, stalled } = run
  const seen = { ...summary(results), stalled: Math.round(stalled) }
  // Timing is judged only when this process (the servers run in it too) did not stall for as long as the
  // reference's first retransmission: on a machine that loaded the reference itself would retransmit.
  if (stalled < FIRST_RETRANSMISSION) {
    expect(seen.unacknowledged, JSON.stringify(seen)).toBe(0)
    // Normal latency: p90 well below the first retransmission (a dead subscriber costs 376 ms).
    expect(seen.p90, JSON.stringify(seen)).toBeLessThan(FIRST_RETRANSMISSION)
  } else console.info(`${prefix}: event loop stalled, timing not judged`, seen)
  // Whatever the load: no send waited for a key the client no longer has (#15 item 6), each delivered once.
  const current = s.client.servers().map((server) => server.skeyHex)
  for (const result of results) for (const key of result.expected) expect(current).toContain(key)
  for (const { delivered } of s.servers)
    for (let i = 0; i < MESSAGES; i++) expect(delivered.get(`${prefix}${i}`), `${prefix}${i}`).toBe(1)
  expect(s.serverErrors).toEqual([])
  expect(s.client.errors).toEqual([])
}

/** Sends after the re-key, then to a target announced once the session settled; both must be healthy. */
async function scenario(ecc: boolean, multicast: boolean): Promise<void> {
  const s = await setup(ecc, multicast)
  // Subscribed while the session is young (inside the re-key window): not announced to it.
  for (const { pubsub } of s.servers) pubsub.subscribe(YOUNG, () => {})
  const young = performance.now() - s.startedAt < ANNOUNCE_SETTLE_TIME // (unless this machine stalled for 2 s)
  const filedBefore = s.client.subscribersOf(TARGET)
  expectHealthy(s, await sendAll(s.client, TARGET, 'm'), 'm')
  // Nothing was announced into its re-key window, so it waited for any one ack, then for who acked.
  expect(filedBefore).toEqual([])
  const keys = s.client
    .servers()
    .map((v) => v.skeyHex)
    .sort()
  // Filed under the current keys only (in a group, perhaps only the server whose ack completed a send).
  expect(s.client.subscribersOf(TARGET).length).toBeGreaterThan(0)
  for (const key of s.client.subscribersOf(TARGET)) expect(keys).toContain(key)

  // A target the server subscribes to once the session settled is announced (opcode 13) and filed under
  // the client's current keys: its messages wait for exactly those servers and are acknowledged at once.
  await sleep(ANNOUNCE_SETTLE_TIME + 200)
  for (const { pubsub, delivered } of s.servers)
    pubsub.subscribe(LATE, (m) => delivered.set(m.name, (delivered.get(m.name) ?? 0) + 1))
  await eventually(() => s.client.subscribersOf(LATE).length === keys.length || undefined, 5000, 'opcode 13')
  expect(s.client.subscribersOf(LATE).sort()).toEqual(keys)
  const late = await sendAll(s.client, LATE, 'late')
  for (const result of late.results) expect([...result.expected].sort()).toEqual(keys)
  expectHealthy(s, late, 'late')
  if (young) expect(s.client.subscribersOf(YOUNG)).toEqual([])
}

const problem = await loopbackMulticastProblem()

describe.each([
  ['PSK', false],
  ['ECC', true],
] as const)('a reference-like %s client that re-keys after opcode 7, against our server', (_, ecc) => {
  it('one server, unicast: every reliable message is acknowledged once, at normal latency', () =>
    scenario(ecc, false))

  it.skipIf(problem !== undefined)(
    `two servers in a multicast group: the same${problem ? ` — skipped: ${problem}` : ''}`,
    () => scenario(ecc, true),
  )
})
