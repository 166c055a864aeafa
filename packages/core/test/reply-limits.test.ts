import type { PavillionCrypto } from '@pavillion/crypto'
import { encodeApp, encodeSetup } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import type { Client } from '../src/api/client.ts'
import { ClientEndpoint } from '../src/client/client-endpoint.ts'
import type { DeliveryReport, ServerInfo } from '../src/events.ts'
import { ServerEndpoint } from '../src/server/server-endpoint.ts'
import { SIM_SERVER, SimWorld } from '../src/testing/sim-world.ts'
import { addressKey, type PeerAddress } from '../src/transport.ts'

// Rate limits on replies to unauthenticated datagrams (docs/LIMITS.md), in virtual time: a flood
// from spoofed sources takes at most the X25519 budget; clients with a session keep working and a
// new client still connects.

let world: SimWorld
afterEach(async () => {
  await world?.close()
})

const spoofed = (i: number): PeerAddress => ({
  address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  port: 1024 + (i % 60_000),
})
const call = (i: number) =>
  encodeApp({ type: 'reliable', target: 'calls', name: `c${i}`, body: new Uint8Array(4) })

describe('reply rate limits', () => {
  it('during a 100 000 nonce-request flood (PSK and ECC, spoofed sources) 400 calls all succeed, a new ECC client connects, and the X25519 work stays within the budget', async () => {
    world = await SimWorld.create()
    const server = world.server(SIM_SERVER, { allowGuests: true })
    const registered = world.client(SIM_SERVER)
    await world.run(10)
    expect(registered.servers()).toHaveLength(1)
    const c = world.crypto
    const guestKeys = Array.from({ length: 16 }, () => c.generateKeyPair().publicKey)
    const requests = [
      ...guestKeys.map((publicKey) => ({ suite: 2, clientId: c.random(16), publicKey })),
      { suite: 2, clientId: world.clientId, publicKey: world.clientKeys.publicKey },
      { suite: 1, clientId: world.clientId, publicKey: new Uint8Array(32) },
      { suite: 1, clientId: c.random(16), publicKey: new Uint8Array(32) },
    ].map((r) =>
      encodeSetup({ type: 'nonce-request', ...r, challenge: c.random(16), sessionId: c.random(16) }),
    )
    const started = world.runtime.now()
    const reports: Promise<DeliveryReport<ServerInfo>>[] = []
    let newcomer: Client | undefined
    let newcomerAfter: number | undefined
    // 100 000 requests in 400 steps of 250 over 20 s of virtual time (5000/s); one call per step;
    // a registered ECC client that never had a session starts connecting 5 s into the flood.
    for (let step = 0; step < 400; step++) {
      for (let j = 0; j < 250; j++) {
        const i = step * 250 + j
        const attacker = world.net.createTransport(spoofed(i))
        attacker.send(SIM_SERVER, requests[i % requests.length]!)
        await attacker.close()
      }
      reports.push(registered.sendTracked(call(step), { timeout: 5000 }).done)
      if (step === 100)
        newcomer = world.client(SIM_SERVER, { ecc: true, address: { address: '127.0.0.9', port: 9000 } })
      await world.run(50, 50)
      if (newcomerAfter === undefined && newcomer !== undefined && newcomer.servers().length === 1)
        newcomerAfter = (step - 100) * 50
    }
    const elapsed = (world.runtime.now() - started) / 1000
    await world.run(6000, 50)
    const outcomes = (await Promise.all(reports)).map((r) => r.outcome)
    const stats = server.stats()
    const budget = (0.25 * 1000) / 0.2
    expect(newcomerAfter, 'the new ECC client connected during the flood').toBeDefined()
    console.info(
      `flood: 100000 nonce requests over ${elapsed} s virtual; ${stats.x25519} X25519 operations ` +
        `(budget ${budget}/s → ${budget * elapsed}); refused: per source ` +
        `${stats.refusedPerSource}, global ${stats.refusedGlobal}, CPU ${stats.refusedCpu}; a new ECC client ` +
        `connected after ${newcomerAfter} ms`,
    )
    expect(outcomes.filter((o) => o === 'acknowledged')).toHaveLength(400)
    expect(stats.x25519).toBeLessThanOrEqual(budget * elapsed + budget / 2 + 50)
    expect(stats.refusedCpu + stats.refusedGlobal).toBeGreaterThan(50_000)
  }, 300_000)
})

describe('unauthenticated datagrams move no state of known clients', () => {
  const A: PeerAddress = { address: '127.0.0.20', port: 2000 }

  /** Carries datagrams between `client` (at `at`) and `srv` until both are quiet; returns what the server sent. */
  function pump(srv: ServerEndpoint, client: ClientEndpoint, at: PeerAddress, now: number): number {
    let sent = 0
    for (let round = 0; round < 6; round++) {
      for (let t = client.pollTransmit(); t; t = client.pollTransmit()) srv.handleDatagram(now, at, t.bytes)
      for (let t = srv.pollTransmit(); t; t = srv.pollTransmit()) {
        sent++
        if (addressKey(t.to) === addressKey(at)) client.handleDatagram(now, SIM_SERVER, t.bytes)
      }
    }
    return sent
  }

  const nonceRequest = (c: PavillionCrypto, suite: number, clientId: Uint8Array, publicKey: Uint8Array) =>
    encodeSetup({
      type: 'nonce-request',
      suite,
      clientId,
      challenge: c.random(16),
      sessionId: c.random(16),
      publicKey,
    })

  it('a spoofed nonce request with another key from a guest’s address does not lock the guest out of its next handshake', async () => {
    world = await SimWorld.create()
    const c = world.crypto
    const srv = new ServerEndpoint({
      crypto: c,
      clients: world.registry(),
      keyPair: world.serverKeys,
      allowGuests: true,
    })
    const guest = new ClientEndpoint({
      crypto: c,
      destination: SIM_SERVER,
      credentials: { type: 'ecc', keyPair: c.generateKeyPair(), serverPublicKey: world.serverKeys.publicKey },
      timing: { keepaliveInterval: 0 },
    })
    guest.start(0)
    pump(srv, guest, A, 0)
    expect(srv.sessions()).toHaveLength(1)
    const identity = srv.sessions()[0]!.identity
    // The attacker, spoofing A, asks for a nonce under a key of its own (twice, so it would also fill a
    // one-key binding), then the guest is told to handshake again.
    for (let i = 0; i < 2; i++)
      srv.handleDatagram(1000, A, nonceRequest(c, 2, c.random(16), c.generateKeyPair().publicKey))
    guest.handleDatagram(2000, SIM_SERVER, encodeSetup({ type: 'unrecognized-client' }))
    pump(srv, guest, A, 2000)
    expect(srv.stats().handshakes).toBe(2)
    expect(srv.sessions().map((s) => s.identity)).toEqual([identity])
  })

  it('a known client’s half-done handshake survives nonce requests from 5000 spoofed sources', async () => {
    world = await SimWorld.create()
    const c = world.crypto
    const srv = new ServerEndpoint({ crypto: c, clients: world.registry(), keyPair: world.serverKeys })
    const client = new ClientEndpoint({
      crypto: c,
      destination: SIM_SERVER,
      credentials: { type: 'psk', clientId: world.clientId, psk: world.psk },
      timing: { keepaliveInterval: 0 },
    })
    client.start(0)
    pump(srv, client, A, 0)
    expect(srv.stats().handshakes).toBe(1)
    // The client re-handshakes: its nonce request reaches the server and the answer comes back, but
    // its client info is held back while the flood runs.
    client.handleDatagram(1000, SIM_SERVER, encodeSetup({ type: 'unrecognized-client' }))
    for (let t = client.pollTransmit(); t; t = client.pollTransmit()) srv.handleDatagram(1000, A, t.bytes)
    for (let t = srv.pollTransmit(); t; t = srv.pollTransmit())
      client.handleDatagram(1000, SIM_SERVER, t.bytes)
    const held = [
      ...(function* () {
        for (let t = client.pollTransmit(); t; t = client.pollTransmit()) yield t.bytes
      })(),
    ]
    expect(held).toHaveLength(1)
    for (let i = 0; i < 5000; i++) {
      srv.handleDatagram(1000 + i, spoofed(i), nonceRequest(c, 1, world.clientId, new Uint8Array(32)))
      for (let t = srv.pollTransmit(); t; t = srv.pollTransmit());
    }
    expect(srv.pendingCount).toBeLessThanOrEqual(1024 + 1)
    srv.handleDatagram(7000, A, held[0]!)
    expect(srv.stats().handshakes).toBe(2)
  })
})
