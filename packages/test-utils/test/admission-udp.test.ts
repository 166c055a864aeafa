import { ClientEndpoint, type CloseReason, type PeerAddress } from '@pavillion/core'
import { LoopbackWorld, waitUntil } from '@pavillion/transport-node/testing'
import { encodeApp } from '@pavillion/wire'
import { afterEach, expect, it } from 'vitest'
import { bindLoopback, closeSocket, loopbackAddress } from '../src/sockets.ts'

// Session admission by class (issue #15 item 1) over real UDP on loopback: 10 000 guests, each from
// an address of its own in 127.9.0.0/16, handshake with a server whose table holds 64 sessions and
// then go silent. The registered PSK client among them is never evicted and its calls succeed
// throughout. The SimWorld test (core/test/admission-classes.test.ts) shows the same in virtual time.

const GUESTS = 10_000
/** Guests handshaking at once. */
const PARALLEL = 16
const MAX_SESSIONS = 64
const GUEST_QUOTA = MAX_SESSIONS / 4

let world: LoopbackWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/**
 * One guest: a fresh ECC key on its own socket bound to `address`, driven sans-I/O until its
 * handshake completes (or 10 s pass); then its socket closes without a quit, as a silent device's would.
 */
async function guest(w: LoopbackWorld, address: string, server: PeerAddress): Promise<boolean> {
  const socket = await bindLoopback(address)
  const crypto = w.keys.crypto
  const endpoint = new ClientEndpoint({
    crypto,
    destination: server,
    credentials: {
      type: 'ecc',
      keyPair: crypto.generateKeyPair(),
      serverPublicKey: w.keys.serverKeys.publicKey,
    },
    timing: { keepaliveInterval: 0 },
  })
  const flush = (): void => {
    for (let t = endpoint.pollTransmit(); t; t = endpoint.pollTransmit())
      socket.send(t.bytes, t.to.port, t.to.address)
  }
  try {
    return await new Promise<boolean>((resolve) => {
      const giveUp = setTimeout(() => resolve(false), 10_000)
      const retry = setInterval(() => {
        endpoint.handleTimeout(w.runtime.now())
        flush()
      }, 50)
      socket.on('message', (bytes, from) => {
        endpoint.handleDatagram(w.runtime.now(), { address: from.address, port: from.port }, bytes)
        flush()
        if (endpoint.servers().length === 1) {
          clearTimeout(giveUp)
          clearInterval(retry)
          resolve(true)
        }
      })
      endpoint.start(w.runtime.now())
      flush()
    })
  } finally {
    await closeSocket(socket)
  }
}

const call = encodeApp({ type: 'reliable', target: 'registered', name: 'call', body: new Uint8Array(8) })

it('over real UDP, 10 000 guest handshakes never evict an idle registered PSK client; its calls succeed throughout', async () => {
  const w = await LoopbackWorld.create(['admission-udp-01'])
  world = w
  // The reply budgets are lifted: they are the flood test's subject; this one is admission alone.
  const { server, port } = await w.server({
    allowGuests: true,
    limits: { maxSessions: MAX_SESSIONS, repliesPerSecond: 1e6, handshakeCpuShare: 1 },
  })
  const guestsClosed: CloseReason[] = []
  let registeredClosed = 0
  server.on('session:closed', ({ client, reason }) => {
    if (client.guest) guestsClosed.push(reason)
    else registeredClosed++
  })
  const destination = { address: '127.0.0.1', port }
  const registered = await w.client(destination)
  await registered.waitForServer({ timeout: 20_000 })
  let connected = 0
  let peak = 0
  let calls = 0
  const started = performance.now()
  for (let i = 0; i < GUESTS; i += PARALLEL) {
    const batch = Array.from({ length: Math.min(PARALLEL, GUESTS - i) }, (_, j) => {
      const n = i + j
      return guest(w, loopbackAddress(9, n), destination)
    })
    for (const ok of await Promise.all(batch)) if (ok) connected++
    peak = Math.max(peak, server.sessions().length)
    if ((i + PARALLEL) % 496 === 0) {
      const report = await registered.sendTracked(call, { timeout: 10_000 }).done
      expect(report.outcome, `call after ${i + PARALLEL} guests`).toBe('acknowledged')
      calls++
    }
  }
  const seconds = (performance.now() - started) / 1000
  await waitUntil(() => guestsClosed.length === GUESTS - GUEST_QUOTA, 5_000)
  console.info(
    `admission over UDP: ${connected}/${GUESTS} guests connected in ${seconds.toFixed(1)} s; ` +
      `${calls} calls acknowledged; peak ${peak} sessions; ${guestsClosed.length} guests evicted`,
  )
  expect(connected).toBe(GUESTS)
  expect(calls).toBe(20)
  expect(registeredClosed).toBe(0)
  expect(peak).toBeLessThanOrEqual(1 + GUEST_QUOTA)
  expect(new Set(guestsClosed)).toEqual(new Set(['evicted']))
  expect(server.stats().refusedGuests).toBe(0)
}, 180_000)
