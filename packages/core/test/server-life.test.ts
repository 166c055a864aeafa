import { afterEach, describe, expect, it } from 'vitest'
import { REFUSED_ATTEMPTS } from '../src/client/refusal-round.ts'
import { ServerLife } from '../src/client/server-life.ts'
import { SimWorld as World } from '../src/testing/sim-world.ts'
import type { PeerAddress } from '../src/transport.ts'

const SERVER = { address: '127.0.0.1', port: 1783 }

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

describe('a server’s life as a client sees it', () => {
  it('goes unknown → keyed → connected → gone, and back to connected on a fresh packet', () => {
    const life = new ServerLife()
    expect([life.state, life.keyed, life.everKeyed]).toEqual(['unknown', false, false])
    expect(life.accepted()).toBe(false) // opcode 7 without a key proves nothing
    life.rekeyed()
    expect(life.state).toBe('keyed')
    expect(life.accepted()).toBe(true)
    expect(life.accepted()).toBe(false) // once per key
    expect(life.connect()).toBe('first')
    expect(life.connect()).toBeUndefined()
    life.rekeyed() // a re-key keeps it connected, and its opcode 7 counts again
    expect([life.state, life.accepted()]).toEqual(['connected', true])
    expect(life.disconnect(false)).toBe(true)
    expect(life.state).toBe('gone')
    expect(life.disconnect(false)).toBe(false)
    expect(life.connect()).toBe('again')
    expect(life.disconnect(true)).toBe(true) // it quit: the key goes too
    expect([life.state, life.keyed, life.everKeyed]).toEqual(['unknown', false, true])
  })

  it('marks a keyed server that never accepted us as auth-failed, once, until it accepts', () => {
    const life = new ServerLife()
    expect(life.notAccepted()).toBe(false)
    life.rekeyed()
    expect(life.notAccepted()).toBe(true)
    expect(life.notAccepted()).toBe(false)
    expect(life.state).toBe('auth-failed')
    expect(life.accepted()).toBe(true)
    expect(life.connect()).toBe('first')
  })
})

describe('server:auth-failed', () => {
  it.each([
    ['a wrong PSK', false],
    ['an ECC key the server registered differently', true],
  ])('is reported for %s, and the client keeps retrying as before', async (_, ecc) => {
    world = await World.create()
    const w = world
    // ECC: the server knows our client ID under another public key, so its nonce box does not open for us.
    w.server(SERVER, { clients: w.registry().addPublicKey(w.clientId, w.crypto.generateKeyPair().publicKey) })
    const wrong = ecc ? undefined : w.crypto.generatePsk()
    const client = w.client(SERVER, {
      ecc,
      ...(wrong === undefined ? {} : { credentials: { type: 'psk', clientId: w.clientId, psk: wrong } }),
    })
    const failures: { address: PeerAddress; reason: string }[] = []
    client.on('server:auth-failed', (e) => failures.push({ address: e.address, reason: e.reason }))
    await w.run(20_000, 50)
    expect(client.servers()).toEqual([])
    expect(failures.length).toBeGreaterThanOrEqual(2) // once per round of refused nonce requests
    expect(failures[0]).toEqual({ address: SERVER, reason: 'forged-answer' })
    expect(client.stats().forged).toBeGreaterThanOrEqual(REFUSED_ATTEMPTS * failures.length)
  })
})
