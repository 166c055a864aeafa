import { loadCrypto, type PavillionCrypto, type PresharedKey } from '@pavillion/crypto'
import { encodeSetup } from '@pavillion/wire'
import { beforeAll, describe, expect, it } from 'vitest'
import { ClientEndpoint } from '../src/client/client-endpoint.ts'
import { MemoryClientRegistry } from '../src/server/client-registry.ts'
import { ServerEndpoint } from '../src/server/server-endpoint.ts'
import type { PeerAddress } from '../src/transport.ts'

const SERVER: PeerAddress = { address: '127.0.0.1', port: 1783 }
let crypto: PavillionCrypto
let psk: PresharedKey
const clientId = new TextEncoder().encode('bounded-client-1')
beforeAll(async () => {
  crypto = await loadCrypto()
  psk = crypto.generatePsk()
})

function server(limits: { maxSessions?: number; maxPending?: number } = {}) {
  return new ServerEndpoint({ crypto, clients: new MemoryClientRegistry().addPsk(clientId, psk), limits })
}

/** Runs a full handshake between a new client at `address` and `srv`; returns the client. */
function connect(srv: ServerEndpoint, address: PeerAddress, now: number): ClientEndpoint {
  const client = new ClientEndpoint({
    crypto,
    destination: SERVER,
    credentials: { type: 'psk', clientId, psk },
    timing: { keepaliveInterval: 0 },
  })
  client.start(now)
  for (let round = 0; round < 4; round++) {
    for (let t = client.pollTransmit(); t; t = client.pollTransmit())
      srv.handleDatagram(now, address, t.bytes)
    for (let t = srv.pollTransmit(); t; t = srv.pollTransmit()) client.handleDatagram(now, SERVER, t.bytes)
  }
  return client
}

function drain(srv: ServerEndpoint): { bytes: number; count: number } {
  let bytes = 0
  let count = 0
  for (let t = srv.pollTransmit(); t; t = srv.pollTransmit()) {
    bytes += t.bytes.length
    count++
  }
  return { bytes, count }
}

describe('bounded state under hostile load', () => {
  it('a flood of 20 000 nonce requests from distinct ports keeps the per-address table bounded; a real client still connects', () => {
    const srv = server({ maxPending: 256 })
    const request = encodeSetup({
      type: 'nonce-request',
      suite: 1,
      clientId,
      challenge: new Uint8Array(16),
      sessionId: new Uint8Array(16),
      publicKey: new Uint8Array(32),
    })
    for (let i = 0; i < 20_000; i++) {
      srv.handleDatagram(
        i,
        { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 60_000) },
        request,
      )
      drain(srv)
    }
    expect(srv.pendingCount).toBeLessThanOrEqual(256)
    const stats = srv.stats()
    // Amplification bound: every reply to an unauthenticated datagram is no larger than it (opcode 2: 100 < 101).
    expect(stats.bytesOutUnauthenticated).toBeLessThanOrEqual(stats.bytesInUnauthenticated)
    const client = connect(srv, { address: '127.0.0.5', port: 5555 }, 30_000)
    expect(client.servers()).toHaveLength(1)
    expect(srv.sessionCount).toBe(1)
  }, 180_000) // CPU-bound (20 000 datagrams through the engine): 3 s alone, over 30 s on a machine with every core busy

  it('encrypted garbage from unknown addresses gets at most one 20-byte opcode 4 per address per quiet period', () => {
    const srv = server({ maxPending: 64 })
    const garbage = new Uint8Array(60)
    garbage.set(new TextEncoder().encode('PavillionS0'))
    garbage[11] = 7
    let sent = 0
    for (let i = 0; i < 1000; i++) {
      srv.handleDatagram(i, { address: '203.0.113.9', port: 4000 }, garbage)
      sent += drain(srv).count
    }
    expect(sent).toBe(1) // 1000 ms of flood < the 5 s quiet period
    expect(srv.pendingCount).toBe(1)
    const stats = srv.stats()
    expect(stats.bytesOutUnauthenticated).toBe(20)
    expect(stats.rateLimited).toBe(999)
  })

  it('the session table never exceeds its limit; the longest idle session is evicted with a reason', () => {
    const srv = server({ maxSessions: 4 })
    for (let i = 0; i < 6; i++) connect(srv, { address: '127.0.0.7', port: 6000 + i }, i * 1000)
    expect(srv.sessionCount).toBe(4)
    const closed: string[] = []
    for (let e = srv.pollEvent(); e; e = srv.pollEvent())
      if (e.type === 'session:closed') closed.push(`${e.client.address.port}:${e.reason}`)
    expect(closed).toEqual(['6000:evicted', '6001:evicted'])
    expect(srv.sessions().map((s) => s.address.port)).toEqual([6002, 6003, 6004, 6005])
  })

  it('distinct hosts beyond the limit evict the longest-idle session', () => {
    const srv = server({ maxSessions: 3 })
    for (let i = 0; i < 5; i++) connect(srv, { address: `127.0.1.${i}`, port: 7000 }, i * 1000)
    expect(srv.sessionCount).toBe(3)
    expect(
      srv
        .sessions()
        .map((s) => s.address.address)
        .sort(),
    ).toEqual(['127.0.1.2', '127.0.1.3', '127.0.1.4'])
  })

  it('oversized datagrams are dropped and counted, never decoded', () => {
    const srv = server()
    srv.handleDatagram(0, SERVER, new Uint8Array(5000))
    expect(drain(srv).count).toBe(0)
    expect(srv.stats().oversized).toBe(1)
  })

  it('time sync: the server answers opcode 20 with its monotonic and wall clocks', () => {
    const srv = server()
    const client = connect(srv, { address: '127.0.0.8', port: 8000 }, 1000)
    for (let e = client.pollEvent(); e; e = client.pollEvent());
    client.requestTimeSync(2000)
    for (let t = client.pollTransmit(); t; t = client.pollTransmit())
      srv.handleDatagram(2000, { address: '127.0.0.8', port: 8000 }, t.bytes)
    for (let t = srv.pollTransmit(); t; t = srv.pollTransmit()) client.handleDatagram(2004, SERVER, t.bytes)
    const sync = [
      ...(function* () {
        for (let e = client.pollEvent(); e; e = client.pollEvent()) yield e
      })(),
    ].find((e) => e.type === 'time:sync')
    // Same clock on both sides here; the offset is the half round trip the estimate assumes.
    expect(sync?.type === 'time:sync' && sync.offset).toBe(2)
  })
})
