import { encodeApp } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { ClientEndpoint } from '../src/client/client-endpoint.ts'
import type { CloseReason } from '../src/events.ts'
import { SIM_SERVER, SimWorld } from '../src/testing/sim-world.ts'
import type { PeerAddress } from '../src/transport.ts'

// Session admission by class (docs/LIMITS.md): guests (ECC keys the registry does not know) hold at
// most their quota of the session table and are evicted among themselves; a registered client is never
// pushed out to make room for one.

let world: SimWorld
afterEach(async () => {
  await world?.close()
})

/** One guest handshake from `address` with a fresh key pair, driven sans-I/O; the guest then goes silent. */
async function guest(w: SimWorld, address: PeerAddress): Promise<boolean> {
  const transport = w.net.createTransport(address)
  const endpoint = new ClientEndpoint({
    crypto: w.crypto,
    destination: SIM_SERVER,
    credentials: {
      type: 'ecc',
      keyPair: w.crypto.generateKeyPair(),
      serverPublicKey: w.serverKeys.publicKey,
    },
    timing: { keepaliveInterval: 0 },
  })
  const flush = (): void => {
    for (let t = endpoint.pollTransmit(); t; t = endpoint.pollTransmit()) transport.send(t.to, t.bytes)
  }
  transport.onDatagram((bytes, from) => {
    endpoint.handleDatagram(w.runtime.now(), from, bytes)
    flush()
  })
  endpoint.start(w.runtime.now())
  flush()
  await w.settle()
  const connected = endpoint.servers().length === 1
  await transport.close()
  return connected
}

const guestAddress = (i: number): PeerAddress => ({
  address: `10.7.${(i >> 8) & 255}.${i & 255}`,
  port: 5000,
})
const call = encodeApp({ type: 'reliable', target: 'registered', name: 'call', body: new Uint8Array(8) })

describe('session classes', () => {
  it('10 000 guest handshakes never evict an idle registered PSK client; its calls succeed throughout; the table stays bounded', async () => {
    world = await SimWorld.create()
    // A small table, so that without classes a run of 200 guests would push the registered client out.
    const server = world.server(SIM_SERVER, { allowGuests: true, limits: { maxSessions: 128 } })
    const closed: CloseReason[] = []
    let registeredClosed = 0
    server.on('session:closed', ({ client, reason }) => {
      if (client.guest) closed.push(reason)
      else registeredClosed++
    })
    const registered = world.client(SIM_SERVER)
    await world.run(10)
    expect(registered.servers()).toHaveLength(1)
    let connected = 0
    let peak = 0
    let calls = 0
    for (let i = 0; i < 10_000; i++) {
      if (await guest(world, guestAddress(i))) connected++
      peak = Math.max(peak, server.sessions().length)
      await world.run(5, 5) // 200 guest handshakes per second of virtual time
      if (i % 500 === 499) {
        const report = await world.until(registered.sendTracked(call, { timeout: 5000 }).done)
        expect(report.outcome, `call after ${i + 1} guests`).toBe('acknowledged')
        calls++
      }
    }
    expect(calls).toBe(20)
    expect(connected).toBe(10_000)
    expect(registeredClosed).toBe(0)
    expect(peak).toBeLessThanOrEqual(1 + 32) // the registered client and the guest quota (128 / 4)
    expect(closed.length).toBe(10_000 - 32)
    expect(new Set(closed)).toEqual(new Set(['evicted']))
    expect(server.stats().refusedGuests).toBe(0)
  }, 300_000) // CPU-bound: about 50 000 X25519 operations
})
