import { seededRandom } from '@pavillion/crypto'
import { encodeApp, encodeSetup } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import type { ClientInfo } from '../src/events.ts'
import { SIM_SERVER, SimWorld } from '../src/testing/sim-world.ts'
import { addressKey } from '../src/transport.ts'
import { AttackWorld, CLIENT_A, isSecure, SERVER } from './support/attack-world.ts'

// Sends in flight when their session ends (issue #15, item 5): an eviction fails them at once with its
// reason, in virtual time; a re-key of the same client instance loses nothing (retransmissions of the
// same bytes get through, its replay window and the client's previous key survive the re-key).

const TIMEOUT = 5_000
/** "At once": the report comes well before the send's timeout. */
const FAST = 1_000
const A = { address: '127.0.0.2', port: 40_002 }
const B = { address: '127.0.0.3', port: 40_003 }
/** An RPC call (opcode 4) nobody answers: it stays in flight until something ends it. */
const CALL = Uint8Array.of(4, 0x91, 0x01)
const reliable = (name: string) => encodeApp({ type: 'reliable', target: 't', name, body: new Uint8Array(0) })

let world: SimWorld
afterEach(async () => {
  await world?.close()
})

/** A server with room for one session, client A of identity 0 connected to it. */
async function oneSessionWorld(seed: string) {
  world = await SimWorld.create({
    clientIds: ['session-ended-01', 'session-ended-02'],
    random: seededRandom(seed),
  })
  const server = world.server(SIM_SERVER, { limits: { maxSessions: 1 } })
  const closed: string[] = []
  server.on('session:closed', (e) => closed.push(`${e.client.key} ${e.reason}`))
  const a = world.client(SIM_SERVER, { address: A, who: 0 })
  await world.run(20)
  expect(a.servers()).toHaveLength(1)
  return { server, a, closed }
}

describe('an eviction under a send in flight', () => {
  it("fails the evicted client's call at once with ERR_SESSION_EVICTED, not at its timeout", async () => {
    const { a, closed } = await oneSessionWorld('session-ended-client')
    const disconnected: string[] = []
    a.on('server:disconnected', (e) => disconnected.push(e.reason))
    const call = a.sendTracked(CALL, { expect: 'any', answeredBy: 5, timeout: TIMEOUT })
    const sentAt = world.runtime.now()
    await world.run(300) // retransmitting: nobody answers
    world.client(SIM_SERVER, { address: B, who: 1 }) // the table is full: A is evicted
    const report = await world.until(call.done, TIMEOUT)
    const failedAfter = world.runtime.now() - sentAt
    expect(closed).toEqual([`${addressKey(A)} evicted`])
    expect(report.outcome).toBe('evicted')
    expect(failedAfter).toBeLessThan(FAST)
    expect(disconnected).toEqual(['evicted'])
  })

  it('fails a server-initiated reliable send to the evicted session at once with its reason', async () => {
    const { server } = await oneSessionWorld('session-ended-server')
    world.net.impair({ from: A }, { loss: 1 }) // A's acknowledgements never arrive
    const { recipients, tracked } = server.sendTracked(reliable('to-a'), { timeout: TIMEOUT })
    expect(recipients.map((c: ClientInfo) => c.key)).toEqual([addressKey(A)])
    const sentAt = world.runtime.now()
    await world.run(300)
    world.client(SIM_SERVER, { address: B, who: 1 })
    const report = await world.until(tracked!.done, TIMEOUT)
    expect(report.outcome).toBe('evicted')
    expect(report.missing.map((c) => c.key)).toEqual([addressKey(A)])
    expect(world.runtime.now() - sentAt).toBeLessThan(FAST)
  })
})

describe('a re-key of the same client instance under a send in flight', () => {
  it.each([
    ['PSK', false],
    ['ECC', true],
  ])('%s: both directions are acknowledged after it and delivered exactly once', async (suite, ecc) => {
    const w = await AttackWorld.create(`session-ended-rekey-${suite}`)
    const a = w.connected(CLIENT_A, ecc)
    // Every acknowledgement is lost until the re-key is done: both sends stay in flight across it.
    w.net.filter = (d) => !isSecure(d.bytes)
    const up = w.clientSends(a)
    const down = w.serverSends(CLIENT_A)
    w.net.pump()
    w.net.filter = () => true
    w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'unrecognized-client' }))
    w.net.pump()
    expect(w.server.stats().handshakes).toBe(2)
    w.net.advance(3_000, 100) // retransmissions of the same bytes, under the keys they were sealed with
    expect(w.report(a, up.id)?.outcome).toBe('acknowledged')
    expect(w.report(w.server, down.id)?.outcome).toBe('acknowledged')
    expect(w.net.messages(w.server).filter((n) => n === up.name)).toHaveLength(1)
    expect(w.net.messages(a).filter((n) => n === down.name)).toHaveLength(1)
  })
})

describe('a new instance of the same client under a send in flight', () => {
  it("fails the server's send to the old instance at once with `replaced`", async () => {
    const w = await AttackWorld.create('session-ended-replaced')
    const identity = w.identity()
    w.connected(CLIENT_A, false, identity)
    w.net.filter = (d) => !isSecure(d.bytes) // the old instance's acknowledgement is lost
    const down = w.serverSends(CLIENT_A, { timeout: TIMEOUT })
    w.net.pump()
    w.net.filter = () => true
    const sentAt = w.net.now
    w.net.advance(100, 10)
    w.connected(CLIENT_A, false, identity) // restarted: same identity and address, new client key
    expect(w.server.stats().handshakes).toBe(2)
    expect(w.report(w.server, down.id)?.outcome).toBe('replaced')
    expect(w.net.now - sentAt).toBeLessThan(FAST)
  })
})
