import { allZero, ownedKeys } from '@pavillion/core/testing'
import { LoopbackWorld, waitUntil } from '@pavillion/transport-node/testing'
import { encodeApp } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'

// Key lifetime (issue #15 item 3) over real UDP on loopback: the buffers that held session keys read
// as zeros once an eviction, a quit or a close ended their sessions, on both sides. The SimWorld test
// (core/test/key-lifetime.test.ts) also covers re-keys and the decrypted ECC client info.

let world: LoopbackWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const message = encodeApp({ type: 'reliable', target: 'keys', name: 'k', body: new Uint8Array(4) })

describe.each([
  ['PSK', false],
  ['ECC', true],
])('%s over real UDP', (_suite, ecc) => {
  it('an eviction, a quit and the closes leave only zeros where session keys were, on both sides', async () => {
    const w = await LoopbackWorld.create(['keys-udp-client1', 'keys-udp-client2'])
    world = w
    const { server, port } = await w.server({ limits: { maxSessions: 1 } })
    const destination = { address: '127.0.0.1', port }
    const a = await w.client(destination, { who: 0, ecc })
    await a.waitForServer({ timeout: 20_000 })
    expect((await a.sendTracked(message).done).outcome).toBe('acknowledged')
    const atServerA = ownedKeys(server)
    const ownA = ownedKeys(a) // its own key, then the server's
    expect(atServerA).toHaveLength(2)
    expect(ownA).toHaveLength(2)
    expect(allZero([...atServerA, ...ownA])).toBe(false)

    // B fills the one-session table: A's session is evicted, and A hears the quit.
    const b = await w.client(destination, { who: 1, ecc })
    await b.waitForServer({ timeout: 20_000 })
    expect(allZero(atServerA)).toBe(true)
    expect(await waitUntil(() => allZero(ownA.slice(1)), 10_000), "A's copy of the evicted session key").toBe(
      true,
    )
    expect(allZero(ownA.slice(0, 1))).toBe(false) // A's own key lives until A closes
    await a.close() // before it reconnects and pushes B out in turn
    expect(allZero(ownA)).toBe(true)
    const atServerB = ownedKeys(server)
    const ownB = ownedKeys(b)
    expect(allZero([...atServerB, ...ownB])).toBe(false)

    // B quits: the server wipes B's session, and B its own copies.
    await b.close()
    expect(allZero(ownB)).toBe(true)
    expect(await waitUntil(() => allZero(atServerB), 10_000), "the server's copy after B's quit").toBe(true)

    // A server's close wipes every session it still holds.
    const c = await w.client(destination, { who: 0, ecc })
    await c.waitForServer({ timeout: 20_000 })
    const atServerC = ownedKeys(server)
    expect(allZero(atServerC)).toBe(false)
    await server.close()
    expect(allZero(atServerC)).toBe(true)
  })
})
