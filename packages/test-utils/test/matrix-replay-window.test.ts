import { setTimeout as sleep } from 'node:timers/promises'
import { addressKey, REPLAY_WINDOW_SIZE } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { reliable } from './support/cell.ts'
import { type HoldBackTransport, holdBackTransport } from './support/hold-back.ts'
import { Ledger, makeKeys, startClient, startServer, TARGET } from './support/stack.ts'
import { waitUntil } from './support/udp.ts'

// Reliability matrix over real UDP on 127.0.0.1: packets reordered beyond the replay window. The client's
// transport holds back a few datagrams (and every retransmission of them) while more than a window's worth of
// later packets pass, then lets them go: they are too old for the server to tell whether it saw them.
const open: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

/** How many later packets pass the held ones: more than the window, so every held counter falls below it. */
const FLOOD = REPLAY_WINDOW_SIZE + 150

function unreliable(name: string): Uint8Array {
  return encodeApp({ type: 'unreliable', target: TARGET, name, body: new TextEncoder().encode(name) })
}

describe('reordering beyond the replay window', () => {
  it('held packets arrive stale and are dropped; held reliable sends end in deadline; nothing is delivered twice', async () => {
    const keys = await makeKeys()
    const ledger = new Ledger()
    const server = await startServer(keys, ledger, 'srv', { port: 0 })
    open.push(server)
    const delivered = new Map<string, number>()
    // The server's pub/sub layer takes the messages (the core 'message' event does not see them).
    server.pubsub.subscribe(TARGET, ({ name }) => delivered.set(name, (delivered.get(name) ?? 0) + 1))
    let hold: HoldBackTransport | undefined
    const client = await startClient(keys, server.transport.localAddress(), {
      errors: ledger.errors,
      wrap: (transport) => {
        hold = holdBackTransport(transport)
        return hold
      },
    })
    open.push(client)
    const known = await client.client.waitForServer({ timeout: 5000 })
    const disconnects: string[] = []
    client.client.on('server:disconnected', ({ reason }) => disconnects.push(reason))
    expect(known.key).toBe(addressKey(server.transport.localAddress()))

    // Two reliable and two unreliable packets are held back, with every retransmission of the reliable ones.
    hold!.arm(4)
    const held = ['held-r0', 'held-r1'].map((name) =>
      client.client.sendTracked(reliable(name), { timeout: 4000 }),
    )
    client.client.send(unreliable('held-u0'))
    client.client.send(unreliable('held-u1'))
    expect(hold!.counters.size).toBe(4)

    // More than a window's worth of later packets pass (bounded; the loop pauses so the server's socket drains).
    for (let i = 0; i < FLOOD; i++) {
      client.client.send(unreliable(`flood-${i}`))
      if (i % 25 === 24) await sleep(1)
    }
    // Acknowledged: the server has seen a counter more than a window above every held one.
    const marker = await client.client.sendTracked(reliable('marker'), { timeout: 3000 }).done
    expect(marker.outcome).toBe('acknowledged')
    await waitUntil(() => (delivered.get(`flood-${FLOOD - 1}`) ?? 0) > 0, 1000)
    // Held a while longer, so that the engine's retransmissions of the held reliable packets are held too.
    await sleep(400)

    const staleBefore = server.server.stats().stale
    const duplicatesBefore = server.server.stats().duplicates
    const released = hold!.release()
    expect(released).toBeGreaterThan(4)
    const reports = await Promise.all(held.map((h) => h.done))
    for (const report of reports) {
      expect(report.outcome).toBe('deadline')
      expect(report.acked).toEqual([])
      expect(report.missing.map((s) => s.key)).toEqual([known.key])
      expect(report.transmissions).toBeGreaterThan(1)
    }
    // Every held datagram and every retransmission after the release was dropped as stale, nothing else.
    await waitUntil(
      () => server.server.stats().stale - staleBefore >= released + hold!.stats.afterRelease,
      1000,
    )
    const stale = server.server.stats().stale - staleBefore
    expect(stale).toBe(released + hold!.stats.afterRelease)
    expect(server.server.stats().duplicates).toBe(duplicatesBefore)

    for (const name of ['held-r0', 'held-r1', 'held-u0', 'held-u1'])
      expect(delivered.get(name)).toBeUndefined()
    for (const [name, times] of delivered) expect(times, `${name} delivered ${times} times`).toBe(1)
    const flooded = [...delivered.keys()].filter((name) => name.startsWith('flood-')).length

    // The session is intact: a fresh message is delivered, once.
    const fresh = await client.client.sendTracked(reliable('fresh'), { timeout: 3000 }).done
    expect(fresh.outcome).toBe('acknowledged')
    expect(delivered.get('fresh')).toBe(1)
    expect(disconnects).toEqual([])
    expect(hold!.stats.overflow).toBe(0)
    expect(ledger.errors).toEqual([])
    console.info(
      `replay window ${REPLAY_WINDOW_SIZE}: held ${hold!.stats.held} datagrams (4 packets), released ${released}, ` +
        `${hold!.stats.afterRelease} retransmitted after; server stale +${stale}; ` +
        `flood delivered ${flooded}/${FLOOD}; held reliable reports ${reports.map((r) => `${r.outcome}×${r.transmissions}`).join(', ')}`,
    )
  })
})
