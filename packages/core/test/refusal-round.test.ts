import { encodeSetup } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/api/client.ts'
import { REFUSED_ATTEMPTS } from '../src/client/refusal-round.ts'
import { SimWorld as World } from '../src/testing/sim-world.ts'
import type { PeerAddress } from '../src/transport.ts'

// Refusals are unauthenticated: opcode 6 and a nonce answer that does not verify can come from anyone who
// can send the client a datagram (from the server's IP, any port: the client cannot tell). One of them must
// not make a correct client report a wrong key; a real wrong key must still be reported, quickly.
const SERVER = { address: '127.0.0.1', port: 1783 }
const CLIENT = { address: '127.0.0.9', port: 40_000 }
/** The spoofer sends from the server's IP address: a source the client takes for a server. */
const SPOOFER = { address: SERVER.address, port: 9999 }
/** Well under the CLI's and the umbrella's 4 s bounds against a 5 s timeout. */
const QUICKLY = 3000

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** Every refusal the client reported, with the simulated time it came at. */
function refusals(w: World, client: Client) {
  const seen: { type: string; reason: string; address: PeerAddress; at: number }[] = []
  client.on('server:auth-failed', ({ address, reason }) =>
    seen.push({ type: 'auth-failed', reason, address, at: w.runtime.now() }),
  )
  client.on('server:invalid-client-id', ({ address }) =>
    seen.push({ type: 'invalid-client-id', reason: 'invalid-client-id', address, at: w.runtime.now() }),
  )
  return seen
}

/** The challenge of the client's first nonce request, as an on-path observer reads it. */
function sniffedChallenge(w: World): Uint8Array {
  const request = w.net.sent.find((d) => d.from.address === CLIENT.address)
  if (request === undefined) throw new Error('the client sent no nonce request')
  return request.bytes.slice(37, 53)
}

/** An opcode 11 whose box opens for nobody (what an off-path attacker can send). */
function garbageEccNonce(w: World): Uint8Array {
  return encodeSetup({ type: 'ecc-nonce', boxNonce: w.crypto.random(24), box: w.crypto.random(64) })
}

describe('one spoofed refusal', () => {
  it.each([
    ['a garbage opcode 11 (off-path)', true],
    ['an opcode 6 echoing the sniffed challenge (on-path)', false],
  ])('%s before the genuine answer: not reported, and the client connects', async (_, ecc) => {
    world = await World.create()
    const w = world
    w.server(SERVER)
    const client = w.client(SERVER, { ecc, address: CLIENT })
    const seen = refusals(w, client)
    const spoofer = w.net.createTransport(SPOOFER)
    const spoof = ecc
      ? garbageEccNonce(w)
      : encodeSetup({ type: 'invalid-client-id', challenge: sniffedChallenge(w) })
    spoofer.send(CLIENT, spoof) // queued ahead of the server's answer
    await w.run(3000, 10)
    expect(client.servers()).toHaveLength(1)
    expect(seen).toEqual([])
    if (ecc) expect(client.stats().forged).toBe(1)
  })

  it('with the server silent: one garbage opcode 11 per attempt but one attempt short of a round is not reported', async () => {
    world = await World.create()
    const w = world
    const client = w.client(SERVER, { ecc: true, address: CLIENT }) // nobody listens at SERVER
    const seen = refusals(w, client)
    const spoofer = w.net.createTransport(SPOOFER)
    spoofer.send(CLIENT, garbageEccNonce(w))
    await w.run(300, 10)
    spoofer.send(CLIENT, garbageEccNonce(w)) // the second attempt, refused too; the third gets nothing
    await w.run(20_000, 50)
    expect(client.stats().forged).toBe(2)
    expect(seen).toEqual([])
  })
})

describe('a real refusal', () => {
  it.each([
    ['a wrong PSK', 'psk', 'forged-answer'],
    ['an ECC key the server registered differently', 'ecc-other-key', 'forged-answer'],
    ['an unknown client ID (opcode 6 once, then the server is quiet)', 'unknown-id', 'invalid-client-id'],
  ])('%s is reported once per round, quickly', async (_, kind, reason) => {
    world = await World.create()
    const w = world
    const other = w.crypto.generateKeyPair().publicKey
    const clients = kind === 'ecc-other-key' ? w.registry().addPublicKey(w.clientId, other) : w.registry()
    w.server(SERVER, { clients })
    const client = w.client(SERVER, {
      ecc: kind === 'ecc-other-key',
      address: CLIENT,
      ...(kind === 'psk'
        ? { credentials: { type: 'psk', clientId: w.clientId, psk: w.crypto.generatePsk() } }
        : {}),
      ...(kind === 'unknown-id'
        ? { credentials: { type: 'psk', clientId: new TextEncoder().encode('nobody-knows-me!'), psk: w.psk } }
        : {}),
    })
    const seen = refusals(w, client)
    await w.run(QUICKLY, 10)
    expect(client.servers()).toEqual([])
    expect(seen.length).toBeGreaterThanOrEqual(1)
    expect(seen[0]).toMatchObject({ reason, address: { address: SERVER.address } })
    expect(seen[0]!.at).toBeLessThan(QUICKLY)
    // Once per round of refused nonce requests, not once per refusal.
    if (reason === 'forged-answer')
      expect(client.stats().forged).toBeGreaterThanOrEqual(REFUSED_ATTEMPTS * seen.length)
  })
})
