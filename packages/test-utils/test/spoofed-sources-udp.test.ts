import type { Socket } from 'node:dgram'
import { LoopbackWorld, waitUntil } from '@pavillion/transport-node/testing'
import { decodeFrame, decodeSetup, encodeApp, encodeSetup, type SetupMessage } from '@pavillion/wire'
import { afterEach, expect, it } from 'vitest'
import { bindLoopback, loopbackAddress } from '../src/sockets.ts'

// Spoofed sources move no state of known clients (issue #15 item 4), over real UDP on loopback. A
// relay between a registered client and the server lets the client's re-handshake through up to its
// client info, holds that back while 5 000 nonce requests from 5 000 other addresses reach the server,
// then lets it go: the server still holds the handshake record and accepts it. (Unknown addresses'
// records live in an LRU of 1 024; a known address's record has a table of its own.)

const SPOOFED = 5_000
/** Spoofed sources sending at once (a socket each, on an address of its own in 127.10.0.0/16). */
const BATCH = 100

let world: LoopbackWorld | undefined
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close()
  await world?.close()
  world = undefined
})

const message = encodeApp({ type: 'reliable', target: 'spoofed', name: 'after', body: new Uint8Array(4) })

/** The setup message in `bytes`, or undefined for a secure datagram. */
function setupOf(bytes: Uint8Array): SetupMessage | undefined {
  const frame = decodeFrame(bytes)
  return frame.kind === 'setup' ? decodeSetup(frame.opcode, frame.data) : undefined
}

it('over real UDP, a known client’s half-done handshake survives nonce requests from 5 000 spoofed sources', async () => {
  const w = await LoopbackWorld.create(['spoofed-udp-0001'])
  world = w
  // The global reply budget is lifted so that every spoofed request reaches the handshake tables.
  const { server, port } = await w.server({ limits: { repliesPerSecond: 1e6 } })
  const relay = await bindLoopback()
  sockets.push(relay)
  let clientAddress: { address: string; port: number } | undefined
  let holding = false
  const held: Uint8Array[] = []
  const fromServer: SetupMessage[] = []
  relay.on('message', (bytes, from) => {
    if (from.port !== port && clientAddress === undefined)
      clientAddress = { address: from.address, port: from.port }
    if (from.address === clientAddress?.address && from.port === clientAddress.port) {
      if (holding && setupOf(bytes)?.type !== 'nonce-request') held.push(bytes)
      else relay.send(bytes, port, '127.0.0.1')
    } else {
      const setup = setupOf(bytes)
      if (setup) fromServer.push(setup)
      if (clientAddress) relay.send(bytes, clientAddress.port, clientAddress.address)
    }
  })
  const client = await w.client({ address: '127.0.0.1', port: relay.address().port })
  await client.waitForServer({ timeout: 20_000 })
  expect(server.stats().handshakes).toBe(1)

  // A re-handshake (the server's "unrecognized client" notice, as after a server-side timeout):
  // the nonce request and its answer pass, the client info is held.
  holding = true
  relay.send(encodeSetup({ type: 'unrecognized-client' }), clientAddress!.port, clientAddress!.address)
  expect(await waitUntil(() => held.length > 0, 10_000), 'the client info reaches the relay').toBe(true)

  const request = encodeSetup({
    type: 'nonce-request',
    suite: 1,
    clientId: w.keys.identities[0]!.clientId,
    challenge: w.keys.crypto.random(16),
    sessionId: w.keys.crypto.random(16),
    publicKey: new Uint8Array(32),
  })
  const readBefore = server.stats().datagramsIn
  for (let i = 0; i < SPOOFED; i += BATCH) {
    const batch = await Promise.all(
      Array.from({ length: BATCH }, (_, j) => bindLoopback(loopbackAddress(10, i + j))),
    )
    for (const socket of batch) socket.send(request, port, '127.0.0.1')
    await waitUntil(() => server.stats().datagramsIn - readBefore >= i + BATCH, 5_000)
    for (const socket of batch) socket.close()
  }
  expect(server.stats().datagramsIn - readBefore).toBeGreaterThanOrEqual(SPOOFED)

  // The first client info held is the one the server answered a nonce for before the flood.
  const answersBefore = fromServer.length
  holding = false
  relay.send(held[0]!, port, '127.0.0.1')
  expect(await waitUntil(() => fromServer.length > answersBefore, 5_000)).toBe(true)
  expect(fromServer[answersBefore]?.type).toBe('session-accepted')
  expect(server.stats().handshakes).toBe(2)
  expect(await waitUntil(() => client.servers().length === 1, 10_000)).toBe(true)
  expect((await client.sendTracked(message).done).outcome).toBe('acknowledged')
}, 60_000)
