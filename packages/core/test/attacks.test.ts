import { inspect } from 'node:util'
import { encodeApp, encodeSecureFrame, encodeSetup, readCounter, SetupOpcode } from '@pavillion/wire'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClientEndpoint } from '../src/client/client-endpoint.ts'
import { MAX_DATAGRAM } from '../src/constants.ts'
import { BackpressureError, ClosedError } from '../src/errors.ts'
import { createSeededRandom } from '../src/testing/seeded-random.ts'
import { SimWorld as World } from '../src/testing/sim-world.ts'
import { addressKey, type PeerAddress } from '../src/transport.ts'
import { AttackWorld, CLIENT_A, CLIENT_B, isSecure, recordingCrypto, SERVER } from './support/attack-world.ts'
import type { Wire } from './support/sans-io-net.ts'

// Every attack below asserts the same three things: nothing reached an application, the server's
// authenticated state (its sessions and their identities) did not change, and a legitimate message
// afterwards is delivered exactly once each way.

/** Replays every datagram to its original recipient, from its original source, pumping after each. */
function replay(w: AttackWorld, datagrams: readonly Wire[]): void {
  for (const d of datagrams) {
    w.net.inject(d.to, d.from, d.bytes)
    w.net.pump()
  }
}

/** The application messages, session events and state to compare before and after an attack. */
function observe(w: AttackWorld, clients: ClientEndpoint[]) {
  return {
    server: w.net.messages(w.server).length,
    clients: clients.map((c) => w.net.messages(c).length),
    sessionEvents: w.net.events(w.server).filter((e) => e.type.startsWith('session:')).length,
    sessions: w.snapshot(),
    handshakes: w.server.stats().handshakes,
  }
}

function expectUnharmed(w: AttackWorld, clients: ClientEndpoint[], before: ReturnType<typeof observe>): void {
  const after = observe(w, clients)
  expect(after.server, 'messages delivered to the server application').toBe(before.server)
  expect(after.clients, 'messages delivered to the client applications').toEqual(before.clients)
  expect(after.sessionEvents, 'sessions opened or closed').toBe(before.sessionEvents)
  expect(after.sessions).toEqual(before.sessions)
  for (const client of clients) expect(client.servers()).toHaveLength(1)
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice()
  copy[bit >> 3]! ^= 1 << (bit & 7)
  return copy
}

describe('replay', () => {
  it('exact copies of every datagram of a live session (inside the window) change nothing', async () => {
    const w = await AttackWorld.create('replay-exact')
    const a = w.connected(CLIENT_A)
    w.traffic(a, CLIENT_A)
    const recorded = [...w.net.log]
    expect(recorded.filter((d) => isSecure(d.bytes)).length).toBeGreaterThan(60)
    const before = observe(w, [a])
    replay(w, recorded)
    expectUnharmed(w, [a], before)
    expect(w.server.stats().duplicates).toBeGreaterThan(20)
    w.exchange(a, CLIENT_A)
  })

  it('replays older than 2048 newer packets are refused as stale, both ways', async () => {
    const w = await AttackWorld.create('replay-old')
    const a = w.connected(CLIENT_A)
    w.traffic(a, CLIENT_A)
    const recorded = [...w.net.log].filter((d) => isSecure(d.bytes))
    for (let i = 0; i < 2100; i++) {
      w.clientSends(a, { tracked: false, reliable: false })
      w.serverSends(CLIENT_A, { tracked: false, reliable: false })
    }
    w.net.pump()
    const before = observe(w, [a])
    const stale = { server: w.server.stats().stale, client: a.stats().stale }
    replay(w, recorded)
    expectUnharmed(w, [a], before)
    const toServer = recorded.filter((d) => addressKey(d.to) === addressKey(SERVER)).length
    expect(w.server.stats().stale - stale.server).toBe(toServer)
    expect(a.stats().stale - stale.client).toBe(recorded.length - toServer)
    w.exchange(a, CLIENT_A)
  })

  it('after a re-handshake, the previous keys’ datagrams are refused', async () => {
    const w = await AttackWorld.create('replay-rekeyed')
    const a = w.connected(CLIENT_A)
    w.traffic(a, CLIENT_A)
    const recorded = [...w.net.log]
    // A legitimate re-handshake: the server asks for one (opcode 4), the client complies.
    w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'unrecognized-client' }))
    w.net.pump()
    expect(w.server.stats().handshakes).toBe(2)
    w.exchange(a, CLIENT_A)
    const before = observe(w, [a])
    replay(w, recorded)
    expectUnharmed(w, [a], before)
    w.exchange(a, CLIENT_A)
  })
})

describe('forged, damaged and reflected datagrams', () => {
  it('forgeries and every single-bit flip of a fresh secure datagram are refused, both ways; the original still gets through once', async () => {
    const w = await AttackWorld.create('bit-flips')
    const a = w.connected(CLIENT_A)
    w.traffic(a, CLIENT_A, 2)
    const before = observe(w, [a])
    // Client → server: hold one fresh reliable message back, flip each of its bits, then deliver it.
    w.net.filter = (d) => addressKey(d.to) !== addressKey(SERVER)
    const up = w.clientSends(a)
    w.net.pump()
    w.net.filter = () => true
    const original = w.net.held.pop()!.bytes
    const counter = readCounter(original)!
    // Outright forgeries first: the same counter and later ones, sealed under a key of the attacker's
    // own or just random bytes behind the header.
    for (let i = 0n; i < 20n; i++) {
      const plaintext = encodeApp({ type: 'reliable', target: 'a', name: 'forged', body: new Uint8Array(4) })
      w.net.inject(
        SERVER,
        CLIENT_A,
        encodeSecureFrame(counter + i, w.crypto.seal(plaintext, counter + i, w.crypto.randomKey())),
      )
      w.net.inject(SERVER, CLIENT_A, encodeSecureFrame(counter + i, w.crypto.random(17 + Number(i) * 3)))
      w.net.pump()
    }
    for (let bit = 0; bit < original.length * 8; bit++) {
      w.net.inject(SERVER, CLIENT_A, flipBit(original, bit))
      w.net.pump()
    }
    expectUnharmed(w, [a], before)
    expect(w.server.stats().forged + w.server.stats().malformed).toBeGreaterThanOrEqual(
      original.length * 8 - 64,
    )
    w.net.inject(SERVER, CLIENT_A, original)
    w.net.pump()
    expect(w.net.messages(w.server).filter((n) => n === up.name)).toHaveLength(1)
    // Server → client, the same (nothing pumped in between: the client's reaction to forgeries,
    // a rate-limited re-handshake, must not get ahead of the genuine datagram).
    w.net.filter = (d) => addressKey(d.to) !== addressKey(CLIENT_A)
    const down = w.serverSends(CLIENT_A)
    w.net.pump()
    w.net.filter = () => true
    const fromServer = w.net.held.pop()!.bytes
    for (let bit = 0; bit < fromServer.length * 8; bit++)
      w.net.inject(CLIENT_A, SERVER, flipBit(fromServer, bit))
    expect(w.net.messages(a).filter((n) => n === down.name)).toHaveLength(0)
    w.net.inject(CLIENT_A, SERVER, fromServer)
    expect(w.net.messages(a).filter((n) => n === down.name)).toHaveLength(1)
    w.net.pump()
    expect(w.report(w.server, down.id)?.outcome).toBe('acknowledged')
    expect(w.snapshot()).toEqual(before.sessions)
    w.exchange(a, CLIENT_A)
  })

  it('truncated, extended and oversized datagrams are refused; the original still gets through once', async () => {
    const w = await AttackWorld.create('truncation')
    const a = w.connected(CLIENT_A)
    const before = observe(w, [a])
    w.net.filter = (d) => addressKey(d.to) !== addressKey(SERVER)
    const up = w.clientSends(a)
    w.net.pump()
    w.net.filter = () => true
    const original = w.net.held.pop()!.bytes
    const oversized = w.server.stats().oversized
    const variants: Uint8Array[] = []
    for (let length = 0; length < original.length; length++) variants.push(original.slice(0, length))
    for (let extra = 1; extra <= 64; extra++) {
      const longer = new Uint8Array(original.length + extra)
      longer.set(original)
      longer.fill(extra, original.length)
      variants.push(longer)
    }
    for (const size of [MAX_DATAGRAM + 1, 9000, 65_507]) {
      const huge = new Uint8Array(size)
      huge.set(original)
      variants.push(huge)
    }
    for (const variant of variants) {
      w.net.inject(SERVER, CLIENT_A, variant)
      w.net.pump()
    }
    expectUnharmed(w, [a], before)
    expect(w.server.stats().oversized - oversized).toBe(3)
    w.net.inject(SERVER, CLIENT_A, original)
    w.net.pump()
    expect(w.net.messages(w.server).filter((n) => n === up.name)).toHaveLength(1)
    w.exchange(a, CLIENT_A)
  })

  it('datagrams reflected back to their sender are refused (a client’s own to the client, a server’s to the server)', async () => {
    const w = await AttackWorld.create('reflection')
    const a = w.connected(CLIENT_A)
    w.traffic(a, CLIENT_A, 4)
    const recorded = [...w.net.log]
    const before = observe(w, [a])
    for (const d of recorded) {
      // Back to where it came from, seemingly from where it went.
      w.net.inject(d.from, d.to, d.bytes)
      w.net.pump()
    }
    expectUnharmed(w, [a], before)
    w.exchange(a, CLIENT_A)
  })

  it('one client’s traffic fed to another client’s session (different PSKs) is refused', async () => {
    const w = await AttackWorld.create('cross-client')
    const a = w.connected(CLIENT_A)
    const b = w.connected(CLIENT_B)
    const start = w.net.log.length
    w.traffic(a, CLIENT_A, 4)
    const fromA = w.net.log.slice(start)
    const before = observe(w, [a, b])
    for (const d of fromA) {
      if (addressKey(d.to) === addressKey(SERVER)) w.net.inject(SERVER, CLIENT_B, d.bytes)
      else w.net.inject(CLIENT_B, SERVER, d.bytes)
      w.net.pump()
    }
    expectUnharmed(w, [a, b], before)
    w.exchange(a, CLIENT_A)
    w.exchange(b, CLIENT_B)
  })
})

describe('downgrade', () => {
  it('an ECC client never connects on a PSK nonce (opcode 2) or an ECC nonce boxed with the wrong server key', async () => {
    const w = await AttackWorld.create('downgrade')
    const identity = w.identity()
    const real = w.server
    w.net.detach(SERVER) // the attacker answers in the server's place
    const client = w.client(CLIENT_A, identity, true)
    const sent: Uint8Array[] = []
    const collect = () => {
      for (let t = client.pollTransmit(); t; t = client.pollTransmit()) sent.push(t.bytes)
    }
    collect()
    const request = sent[0]!
    expect(request[19]).toBe(SetupOpcode.NonceRequest)
    expect(request[20]).toBe(2) // suite 2
    const challenge = request.subarray(37, 53)
    const attacker = w.crypto.generateKeyPair()
    const serverNonce = w.crypto.random(32)
    const forgeries = [
      // A PSK nonce echoing the challenge, with a hash under a PSK the attacker made up.
      encodeSetup({
        type: 'psk-nonce',
        serverNonce,
        challenge,
        hash: w.crypto.pskNonceHash(w.crypto.generatePsk(), serverNonce, challenge),
      }),
      // An ECC nonce with the right challenge, boxed to the client by the attacker's key.
      (() => {
        const boxNonce = w.crypto.random(24)
        const plaintext = new Uint8Array(48)
        plaintext.set(serverNonce)
        plaintext.set(challenge, 32)
        const box = w.crypto.boxSeal(plaintext, boxNonce, identity.keys.publicKey, attacker.secretKey)
        return encodeSetup({ type: 'ecc-nonce', boxNonce, box })
      })(),
      encodeSetup({ type: 'session-accepted', sessionId: w.crypto.random(16) }),
    ]
    for (let round = 0; round < 3; round++) {
      for (const forgery of forgeries) client.handleDatagram(w.net.now + round, SERVER, forgery)
      collect()
    }
    expect(client.servers()).toEqual([])
    expect(w.net.events(client).some((e) => e.type === 'server:connected')).toBe(false)
    // It answered nothing: every datagram it sent is its own nonce request (ECC, public key).
    for (const bytes of sent) expect([bytes[19], bytes[20]]).toEqual([SetupOpcode.NonceRequest, 2])
    expect(client.stats().forged + client.stats().unexpected).toBeGreaterThanOrEqual(9)
    // The genuine server then connects it, over ECC.
    w.net.attach(SERVER, real)
    client.handleTimeout(w.net.now + 10_000)
    w.net.now += 10_000
    w.net.pump()
    expect(client.servers().map((s) => s.suite)).toEqual([2])
    expect(real.sessions().map((s) => s.suite)).toEqual([2])
  })
})

describe('amplification from spoofed sources', () => {
  /** Sends every setup opcode (valid and invalid sizes), garbage and secure-looking garbage from `sources` addresses. */
  function barrage(w: AttackWorld, sources: number, known: Uint8Array) {
    const c = w.crypto
    const random = createSeededRandom(7)
    const bytesOf = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random.next() * 256))
    const nonceRequest = (suite: number, clientId: Uint8Array) =>
      encodeSetup({
        type: 'nonce-request',
        suite,
        clientId,
        challenge: c.random(16),
        sessionId: c.random(16),
        publicKey: suite === 2 ? c.generateKeyPair().publicKey : new Uint8Array(32),
      })
    const setup = (opcode: number, size: number) => {
      const out = new Uint8Array(20 + size)
      out.set(new TextEncoder().encode('PavillionS0'))
      out[19] = opcode
      out.set(bytesOf(size), 20)
      return out
    }
    const secureGarbage = (size: number) => {
      const out = setup(0, size - 20)
      out[11] = 1 + Math.floor(random.next() * 255)
      return out
    }
    const datagrams = () => [
      nonceRequest(1, known),
      nonceRequest(1, c.random(16)),
      nonceRequest(2, known),
      nonceRequest(2, c.random(16)),
      nonceRequest(3, known),
      setup(1, 80),
      setup(1, 82),
      setup(2, 80),
      setup(3, 121),
      setup(3, 120),
      setup(4, 0),
      setup(5, 0),
      setup(6, 16),
      setup(7, 16),
      setup(11, 88),
      setup(12, 161),
      setup(12, 200),
      setup(99, 40),
      bytesOf(1 + Math.floor(random.next() * 200)),
      secureGarbage(36),
      secureGarbage(37 + Math.floor(random.next() * 200)),
    ]
    let bytesIn = 0
    let bytesOut = 0
    let worst = 0
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < sources; i++) {
        const from: PeerAddress = { address: `198.51.${i >> 8}.${i & 255}`, port: 1024 + i }
        for (const datagram of datagrams()) {
          w.server.handleDatagram(w.net.now, from, datagram)
          let replied = 0
          for (let t = w.server.pollTransmit(); t; t = w.server.pollTransmit()) {
            expect(addressKey(t.to)).toBe(addressKey(from))
            replied += t.bytes.length
          }
          bytesIn += datagram.length
          bytesOut += replied
          worst = Math.max(worst, replied / datagram.length)
        }
      }
      w.net.now += 1000
    }
    return { factor: bytesOut / bytesIn, worst, bytesIn, bytesOut }
  }

  it('a PSK-only server never answers more bytes than it received (factor ≤ 1)', async () => {
    const w = await AttackWorld.create('amplification-psk', { pskOnly: true })
    const measured = barrage(w, 300, w.identity().clientId)
    const stats = w.server.stats()
    console.info(
      `amplification, PSK-only server: ${measured.bytesOut}/${measured.bytesIn} bytes = ${measured.factor.toFixed(4)}, ` +
        `worst single datagram ${measured.worst.toFixed(4)}; stats ${stats.bytesOutUnauthenticated}/${stats.bytesInUnauthenticated}`,
    )
    expect(measured.bytesOut).toBeGreaterThan(0)
    expect(measured.factor).toBeLessThanOrEqual(1)
    expect(measured.worst).toBeLessThanOrEqual(1)
    expect(stats.bytesOutUnauthenticated).toBe(measured.bytesOut)
    expect(w.server.sessionCount).toBe(0)
  })

  it('a server that also accepts ECC (guests too) stays within 108/101 (opcode 11 answering opcode 1)', async () => {
    const w = await AttackWorld.create('amplification-ecc', { server: { allowGuests: true } })
    const measured = barrage(w, 300, w.identity().clientId)
    console.info(
      `amplification, ECC server with guests: ${measured.bytesOut}/${measured.bytesIn} bytes = ${measured.factor.toFixed(4)}, ` +
        `worst single datagram ${measured.worst.toFixed(4)} (108/101 = ${(108 / 101).toFixed(4)})`,
    )
    expect(measured.factor).toBeLessThanOrEqual(108 / 101)
    expect(measured.worst).toBeLessThanOrEqual(108 / 101)
    expect(w.server.sessionCount).toBe(0)
  })

  it('a client answers unauthenticated nudges (opcode 4 and 5) with at most the rate-limited nonce requests', async () => {
    const w = await AttackWorld.create('amplification-client')
    const a = w.connected(CLIENT_A)
    w.net.discard()
    let bytesIn = 0
    let bytesOut = 0
    let requests = 0
    for (let i = 0; i < 2000; i++) {
      // From the server's host (the only unicast sources a client listens to), many ports; and from the server itself.
      const from = i % 2 === 0 ? SERVER : { address: SERVER.address, port: 2000 + i }
      const nudge = encodeSetup({ type: i % 3 === 0 ? 'new-server-join' : 'unrecognized-client' })
      a.handleDatagram(w.net.now, from, nudge)
      bytesIn += nudge.length
      for (let t = a.pollTransmit(); t; t = a.pollTransmit()) {
        bytesOut += t.bytes.length
        requests++
      }
    }
    console.info(
      `client answering 2000 spoofed opcode 4/5 within one 10 s window: ${requests} nonce requests, ` +
        `${bytesOut}/${bytesIn} bytes = ${(bytesOut / bytesIn).toFixed(4)}`,
    )
    // PROTOCOL.md §9.5: 6 per window to a keyed server, 9 shared by unknown sources.
    expect(requests).toBeLessThanOrEqual(15)
  })
})

describe('flood', () => {
  it('100 000 nonce requests from many source ports: bounded state and memory, a legitimate client keeps working', async () => {
    const w = await AttackWorld.create('flood')
    const a = w.connected(CLIENT_A)
    const known = w.identities[0]!.clientId
    const request = (i: number) =>
      encodeSetup({
        type: 'nonce-request',
        suite: 1,
        clientId: i % 4 === 0 ? w.crypto.random(16) : known,
        challenge: w.crypto.random(16),
        sessionId: new Uint8Array(16),
        publicKey: new Uint8Array(32),
      })
    const heapBefore = process.memoryUsage().heapUsed
    let peakPending = 0
    let replies = 0
    for (let i = 0; i < 100_000; i++) {
      const from = {
        address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        port: 1024 + (i % 64_000),
      }
      w.server.handleDatagram(w.net.now, from, request(i))
      for (let t = w.server.pollTransmit(); t; t = w.server.pollTransmit()) replies++
      peakPending = Math.max(peakPending, w.server.pendingCount)
      if (i % 10_000 === 9_999) {
        w.exchange(a, CLIENT_A)
        w.net.advance(100)
      }
    }
    const growth = process.memoryUsage().heapUsed - heapBefore
    console.info(
      `flood: 100000 nonce requests, ${replies} replies, peak pending records ${peakPending}, ` +
        `heap growth ${(growth / 1024 / 1024).toFixed(1)} MiB (no forced GC)`,
    )
    expect(peakPending).toBeLessThanOrEqual(1024) // DEFAULT_MAX_PENDING
    expect(growth).toBeLessThan(96 * 1024 * 1024)
    expect(w.server.sessionCount).toBe(1)
    w.exchange(a, CLIENT_A)
  })
})

describe('no (key, nonce) pair ever seals two plaintexts', () => {
  it.each([false, true])(
    'a long randomized session with loss, retransmissions, re-handshakes and restarts (ECC: %s)',
    async (ecc) => {
      let recorder: ReturnType<typeof recordingCrypto> | undefined
      const w = await AttackWorld.create(`nonce-reuse-${ecc}`, {
        wrap: (crypto) => {
          recorder = recordingCrypto(crypto)
          return recorder.crypto
        },
      })
      const seals = recorder!
      const identity = w.identity()
      let client = w.connected(CLIENT_A, ecc, identity)
      const random = createSeededRandom(ecc ? 2 : 1)
      w.net.filter = () => random.next() > 0.2
      const rehandshakes = { forced: 0, serverRestarts: 0, clientRestarts: 0 }
      let handshakes = 0
      for (let step = 0; step < 1500; step++) {
        const r = random.next()
        try {
          const send = { tracked: random.next() < 0.7, reliable: random.next() < 0.8, timeout: 3000 }
          if (r < 0.3) w.clientSends(client, send)
          else if (r < 0.5) w.serverSends(CLIENT_A, send)
          else if (r < 0.52) client.requestTimeSync(w.net.now)
          else if (r < 0.535) {
            w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'unrecognized-client' }))
            rehandshakes.forced++
          } else if (r < 0.54) {
            handshakes += w.server.stats().handshakes
            w.startServer()
            rehandshakes.serverRestarts++
          } else if (r < 0.545) {
            client = w.client(CLIENT_A, identity, ecc)
            rehandshakes.clientRestarts++
          }
        } catch (error) {
          if (!(error instanceof BackpressureError || error instanceof ClosedError)) throw error
        }
        w.net.pump()
        w.net.advance(Math.floor(random.next() * 400))
      }
      w.net.filter = () => true
      w.net.advance(10_000, 100)
      handshakes += w.server.stats().handshakes
      console.info(
        `nonce reuse (ECC ${ecc}): ${seals.seals.size} (key, counter) pairs under ${seals.keys.size} keys; ` +
          `${handshakes} server handshakes; ${JSON.stringify(rehandshakes)}`,
      )
      expect(seals.reuses).toEqual([])
      expect(seals.seals.size).toBeGreaterThan(1000)
      expect(seals.keys.size).toBeGreaterThan(10)
      expect(handshakes).toBeGreaterThan(10)
    },
  )
})

describe('secrets stay out of logs, errors and inspect output', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  /** Hex, base64 and the decimal list `util.inspect` prints for a Uint8Array (whitespace removed). */
  function forms(bytes: Uint8Array): string[] {
    const buffer = Buffer.from(bytes)
    return [buffer.toString('hex'), buffer.toString('base64'), [...bytes.subarray(0, 8)].join(',')]
  }

  /** The secrets whose forms occur in `output` once its whitespace is removed. */
  function leaks(output: string, secrets: readonly Uint8Array[]): string[] {
    const haystack = output.replace(/\s+/g, '').toLowerCase()
    return secrets.flatMap(forms).filter((form) => haystack.includes(form.toLowerCase()))
  }

  /** Every way a value may be printed: both inspect layouts, String() and the stack of errors. */
  function render(values: readonly unknown[]): string {
    return values
      .flatMap((x) => [
        inspect(x, { depth: 12 }),
        inspect(x, { depth: 12, showHidden: true, getters: true }),
        x instanceof Error ? `${String(x)} ${x.stack}` : '',
      ])
      .join('\n')
  }

  it('no PSK, session key or ECC secret key appears in inspect output, errors, events or stats', async () => {
    const logged: unknown[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const)
      vi.spyOn(console, method).mockImplementation((...args) => logged.push(args))
    let recorder: ReturnType<typeof recordingCrypto> | undefined
    const w = await AttackWorld.create('secrets', {
      wrap: (crypto) => {
        recorder = recordingCrypto(crypto)
        return recorder.crypto
      },
    })
    const a = w.connected(CLIENT_A)
    const b = w.connected(CLIENT_B, true)
    w.traffic(a, CLIENT_A, 3)
    w.traffic(b, CLIENT_B, 3)
    w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'unrecognized-client' })) // a re-handshake
    w.net.pump()
    // The facades over a memory network, with their errors.
    const world = await World.create({ seed: 5 })
    const server = world.server({ address: '127.0.0.1', port: 1783 })
    const client = world.client({ address: '127.0.0.1', port: 1783 })
    const eccClient = world.client({ address: '127.0.0.1', port: 1783 }, { ecc: true })
    await world.run(20)
    const tracked = client.sendTracked(
      encodeApp({ type: 'reliable', target: 't', name: 'n', body: new Uint8Array(1) }),
      { timeout: 1000 },
    ).done
    await world.run(20)
    const report = await tracked
    const errors: unknown[] = [new ClosedError(), new BackpressureError('full')]
    const lonely = world.client({ address: '127.0.0.9', port: 9 })
    const waiting = lonely.waitForServer({ timeout: 10 }).catch((error: unknown) => errors.push(error))
    await world.run(20)
    await waiting
    await world.close()
    try {
      client.send(encodeApp({ type: 'unreliable', target: 't', name: 'late', body: new Uint8Array(1) }))
    } catch (error) {
      errors.push(error)
    }
    expect(report.outcome).toBe('acknowledged')
    const everything = [
      w.server,
      a,
      b,
      w.server.sessions(),
      a.servers(),
      b.serverState(addressKey(SERVER)),
      w.net.events(w.server),
      w.net.events(a),
      w.net.events(b),
      w.server.stats(),
      a.stats(),
      server,
      client,
      eccClient,
      server.sessions(),
      client.stats(),
      report,
      errors,
      logged,
    ]
    const secrets = [
      ...[...w.identities, world].map((i) => i.psk.expose()),
      ...[...w.identities.map((i) => i.keys), world.clientKeys, world.serverKeys, w.serverKeys].map((k) =>
        k.secretKey.expose(),
      ),
      ...[...recorder!.keys].map((k) => Uint8Array.from(Buffer.from(k, 'hex'))),
    ]
    expect(recorder!.keys.size).toBeGreaterThanOrEqual(4) // ckey and skey of each client
    expect(errors.length).toBeGreaterThanOrEqual(3)
    // The detector finds a planted key in every layout (so the real check can fail).
    const planted = secrets[0]!
    expect(leaks(render([{ planted }]), [planted]).length).toBeGreaterThan(0)
    expect(leaks(render([{ planted: Buffer.from(planted) }]), [planted]).length).toBeGreaterThan(0)
    expect(leaks(render(everything), secrets)).toEqual([])
    expect(logged).toEqual([])
  })
})

describe('weaknesses found by these tests (fixed unless marked it.fails)', () => {
  // Opcode 7 (session accepted) is cleartext and the same 36 bytes for every handshake of a client
  // instance. Were every copy fresh proof of life, anyone who once saw it could keep a dead server
  // "connected" by replaying it: it counts once per key.
  it('a replayed session-accepted (opcode 7) does not keep a silent server connected', async () => {
    const w = await AttackWorld.create('replayed-opcode-7')
    const a = w.connected(CLIENT_A)
    const accepted = w.net.log.find(
      (d) => d.bytes.length === 36 && d.bytes[19] === SetupOpcode.SessionAccepted,
    )!
    w.net.detach(SERVER) // the server dies without a word
    for (let i = 0; i < 10; i++) {
      w.net.advance(30_000)
      w.net.inject(CLIENT_A, SERVER, accepted.bytes)
    }
    expect(a.servers()).toEqual([]) // 300 s without an authenticated packet (disconnect after 40 s)
  })

  it('control: without replays, a silent server is reported disconnected', async () => {
    const w = await AttackWorld.create('silent-server')
    const a = w.connected(CLIENT_A)
    w.net.detach(SERVER)
    w.net.advance(45_000, 1000)
    expect(a.servers()).toEqual([])
  })

  // One spoofed 20-byte opcode 4 makes the client re-handshake; the server's retransmissions are
  // still sealed under the previous key. The client keeps that key and its replay window for a grace
  // period, so they are accepted (once) and the send completes.
  it('a spoofed opcode 4 does not make the server’s in-flight reliable message fail', async () => {
    const w = await AttackWorld.create('spoofed-opcode-4')
    const a = w.connected(CLIENT_A)
    w.net.filter = (d) => addressKey(d.to) !== addressKey(CLIENT_A) // the first transmission is lost
    const down = w.serverSends(CLIENT_A, { timeout: 10_000 })
    w.net.pump()
    w.net.filter = () => true
    w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'unrecognized-client' }))
    w.net.pump()
    w.net.advance(12_000, 100)
    expect(w.net.messages(a)).toContain(down.name)
    expect(w.report(w.server, down.id)?.outcome).toBe('acknowledged')
  })

  // The same for a spoofed announcement (opcode 5) from the server's own address, once its start-up
  // burst is over: one rate-limited nonce request and a re-key, never a closed session or a lost send.
  it('a spoofed opcode 5 from the server’s address neither fails its in-flight message nor closes a session', async () => {
    const w = await AttackWorld.create('spoofed-opcode-5')
    const a = w.connected(CLIENT_A)
    w.net.advance(2_000, 100)
    const handshakes = a.stats().handshakes
    w.net.filter = (d) => addressKey(d.to) !== addressKey(CLIENT_A) // the first transmission is lost
    const down = w.serverSends(CLIENT_A, { timeout: 10_000 })
    w.net.pump()
    w.net.filter = () => true
    const start = w.net.log.length
    w.net.inject(CLIENT_A, SERVER, encodeSetup({ type: 'new-server-join' }))
    w.net.pump()
    const nonceRequests = w.net.log
      .slice(start)
      .filter((d) => addressKey(d.from) === addressKey(CLIENT_A) && d.bytes[19] === SetupOpcode.NonceRequest)
    expect(nonceRequests).toHaveLength(1)
    w.net.advance(12_000, 100)
    expect(a.stats().handshakes).toBe(handshakes + 1)
    expect(w.net.messages(a)).toContain(down.name)
    expect(w.report(w.server, down.id)?.outcome).toBe('acknowledged')
    expect(w.net.events(w.server).map((e) => e.type)).not.toContain('session:closed')
    expect(w.net.events(a).map((e) => e.type)).not.toContain('server:disconnected')
  })

  it('control: without the spoofed opcode 4, the retransmission delivers the message', async () => {
    const w = await AttackWorld.create('lost-once')
    const a = w.connected(CLIENT_A)
    w.net.filter = (d) => addressKey(d.to) !== addressKey(CLIENT_A)
    const down = w.serverSends(CLIENT_A, { timeout: 10_000 })
    w.net.pump()
    w.net.filter = () => true
    w.net.advance(12_000, 100)
    expect(w.net.messages(a)).toContain(down.name)
    expect(w.report(w.server, down.id)?.outcome).toBe('acknowledged')
  })

  // After a server restart at the same address, nothing the client sent the previous instance is
  // accepted again: the handshake announces the client's current counter. The price is honest: a
  // send that was in flight across the restart is reported missing, not delivered.
  it('after a server restart, replays of packets the previous instance delivered are refused', async () => {
    const w = await AttackWorld.create('restart-replay')
    const a = w.connected(CLIENT_A)
    w.net.filter = (d) => addressKey(d.to) !== addressKey(SERVER) // one message stays in flight
    const stuck = w.clientSends(a, { timeout: 2_000 })
    w.net.pump()
    w.net.filter = () => true
    const start = w.net.log.length
    const delivered = [
      w.clientSends(a),
      w.clientSends(a, { tracked: false, reliable: false }),
      w.clientSends(a),
    ]
    w.net.pump()
    expect(w.net.messages(w.server)).toEqual(delivered.map((m) => m.name))
    const recorded = w.net.log.slice(start)
    const reborn = w.startServer() // empty state, same address
    w.net.advance(3000, 50) // the stuck message's retransmissions, opcode 4, a new handshake, its deadline
    expect(w.net.messages(reborn)).toEqual([])
    expect(w.report(a, stuck.id)?.outcome).toBe('deadline')
    replay(w, recorded)
    expect(w.net.messages(reborn)).toEqual([])
    const after = w.clientSends(a)
    w.net.pump()
    expect(w.net.messages(reborn)).toEqual([after.name])
  })

  // For the record: a replayed nonce request within the challenge lifetime (30 s) re-keys the pair too
  // (the server answers with a fresh server nonce, which the client accepts): one more way to trigger
  // the failure above.
  it('a replayed nonce request re-keys the pair but changes no identity', async () => {
    const w = await AttackWorld.create('replayed-nonce-request')
    const a = w.connected(CLIENT_A)
    const request = w.net.log.find((d) => d.bytes[19] === SetupOpcode.NonceRequest && !isSecure(d.bytes))!
    const before = observe(w, [a])
    w.net.inject(SERVER, CLIENT_A, request.bytes)
    w.net.pump()
    expect(w.server.stats().handshakes).toBe(before.handshakes + 1)
    expectUnharmed(w, [a], before)
    w.exchange(a, CLIENT_A)
  })
})
