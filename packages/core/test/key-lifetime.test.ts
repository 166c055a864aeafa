import { type PavillionCrypto, seededRandom } from '@pavillion/crypto'
import { encodeSetup } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { allZero, ownedKeys } from '../src/testing/owned-keys.ts'
import { SIM_SERVER, SimWorld } from '../src/testing/sim-world.ts'
import { AttackWorld, CLIENT_A, CLIENT_B, SERVER } from './support/attack-world.ts'

// Key lifetime (issue #15, item 3): session keys and the decrypted client info are wiped as soon as
// nothing needs them. The test holds the very buffers the engine owned (ownedKeys) and reads them.

const PREVIOUS_KEY_GRACE = 10_000
/** An opened ECC client info: server nonce, both session keys, counter (PROTOCOL.md §6.2). */
const ECC_CLIENT_INFO_PLAINTEXT_SIZE = 104

describe.each([
  ['PSK', false],
  ['ECC', true],
])('%s key lifetime', (suite, ecc) => {
  it("a re-key wipes the server's old keys at once, and the client's previous key when its grace ends", async () => {
    const w = await AttackWorld.create(`key-lifetime-rekey-${suite}`)
    const a = w.connected(CLIENT_A, ecc)
    w.traffic(a, CLIENT_A, 2)
    const serverOld = ownedKeys(w.server)
    const [ckey, skeyOld] = ownedKeys(a)
    expect(serverOld).toHaveLength(2)
    expect(allZero(serverOld)).toBe(false)
    // A legitimate re-handshake: the server asks for one (opcode 4), the client complies.
    w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'unrecognized-client' }))
    w.net.pump()
    expect(w.server.stats().handshakes).toBe(2)
    expect(allZero(serverOld)).toBe(true)
    expect(allZero(ownedKeys(w.server))).toBe(false)
    // The client still opens what the server sealed before it re-keyed: the old key lives on a while.
    expect(ownedKeys(a)).toHaveLength(3)
    expect(ownedKeys(a)).toContain(skeyOld)
    expect(allZero([skeyOld!])).toBe(false)
    w.exchange(a, CLIENT_A)
    w.net.advance(PREVIOUS_KEY_GRACE, 1_000)
    expect(allZero([skeyOld!])).toBe(true)
    expect(ownedKeys(a)).toHaveLength(2)
    expect(allZero([ckey!])).toBe(false)
    w.exchange(a, CLIENT_A)
  })

  it('an eviction, a quit and a close wipe the keys of every session they end, on both sides', async () => {
    const w = await AttackWorld.create(`key-lifetime-close-${suite}`, {
      server: { limits: { maxSessions: 2 } },
    })
    const a = w.connected(CLIENT_A, ecc)
    const b = w.connected(CLIENT_B, ecc)
    w.traffic(a, CLIENT_A, 2)
    w.traffic(b, CLIENT_B, 2)
    const [atServerA, atServerB] = [ownedKeys(w.server).slice(0, 2), ownedKeys(w.server).slice(2)]
    const [ownA, ownB] = [ownedKeys(a), ownedKeys(b)]
    expect(allZero([...atServerA, ...atServerB, ...ownA, ...ownB])).toBe(false)

    // A third client finds the table full: the longest-idle registered session (A) is evicted.
    const c = w.connected({ address: '127.0.0.4', port: 40004 }, ecc)
    expect(w.server.sessionCount).toBe(2)
    expect(allZero(atServerA)).toBe(true)
    expect(allZero(atServerB)).toBe(false)
    const atServerC = ownedKeys(w.server).slice(2)
    const ownC = ownedKeys(c)

    b.close(w.net.now) // quit: the server ends B's session
    w.net.pump()
    expect(allZero(atServerB)).toBe(true)
    expect(allZero(ownB)).toBe(true)
    expect(ownedKeys(b)).toEqual([])
    expect(allZero(atServerC)).toBe(false)

    w.server.close(w.net.now) // quit to C: its client drops the server's key
    w.net.pump()
    expect(allZero(atServerC)).toBe(true)
    expect(allZero(ownC.slice(1))).toBe(true)
    expect(allZero(ownC.slice(0, 1))).toBe(false) // its own key, until it closes
    c.close(w.net.now)
    a.close(w.net.now)
    expect(allZero([...ownC, ...ownA])).toBe(true)
  })
})

describe('decrypted ECC client info', () => {
  it('is wiped on both sides once the keys are taken from it, and the session works', async () => {
    const plaintexts: Uint8Array[] = []
    const wrap = (inner: PavillionCrypto): PavillionCrypto => ({
      ...inner,
      boxSeal(message, nonce, publicKey, secretKey) {
        if (message.length === ECC_CLIENT_INFO_PLAINTEXT_SIZE) plaintexts.push(message)
        return inner.boxSeal(message, nonce, publicKey, secretKey)
      },
      boxOpen(box, nonce, publicKey, secretKey) {
        const opened = inner.boxOpen(box, nonce, publicKey, secretKey)
        if (opened?.length === ECC_CLIENT_INFO_PLAINTEXT_SIZE) plaintexts.push(opened)
        return opened
      },
    })
    const w = await AttackWorld.create('key-lifetime-ecc-plaintext', { wrap })
    const a = w.connected(CLIENT_A, true)
    w.exchange(a, CLIENT_A)
    expect(plaintexts.length).toBeGreaterThanOrEqual(2) // the client's before sealing, the server's opened
    expect(allZero(plaintexts)).toBe(true)
  })
})

describe('facades', () => {
  it('Client and Server answer ownedKeys for their endpoints; closing the world leaves only zeros', async () => {
    const world = await SimWorld.create({ random: seededRandom('key-lifetime-facades') })
    const server = world.server(SIM_SERVER)
    const client = world.client(SIM_SERVER, { ecc: true })
    await world.run(20)
    expect(client.servers()).toHaveLength(1)
    const keys = [...ownedKeys(server), ...ownedKeys(client)]
    expect(keys).toHaveLength(4)
    expect(allZero(keys)).toBe(false)
    await world.close()
    expect(allZero(keys)).toBe(true)
  })
})
