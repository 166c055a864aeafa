// What a server session keeps after the handshake (kept small: a server holds thousands):
// the session ID still tells an "already connected" nonce request from a new one, and
// client ID and identity are one array.
import { loadCrypto } from '@pavillion/crypto'
import { decodeFrame, decodeSetup, encodeSetup } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { ClientEndpoint } from '../src/client/client-endpoint.ts'
import { MemoryClientRegistry } from '../src/server/client-registry.ts'
import { ServerEndpoint } from '../src/server/server-endpoint.ts'

const SERVER = { address: '127.0.0.1', port: 1783 }
const FROM = { address: '10.0.0.1', port: 20_000 }

/** A PSK session between a fresh client and server endpoint; the session ID from the server's accept. */
async function established() {
  const crypto = await loadCrypto()
  const clientId = new TextEncoder().encode('session-state-01')
  const psk = crypto.generatePsk()
  const server = new ServerEndpoint({ crypto, clients: new MemoryClientRegistry().addPsk(clientId, psk) })
  const client = new ClientEndpoint({
    crypto,
    destination: SERVER,
    credentials: { type: 'psk', clientId, psk },
    timing: { keepaliveInterval: 0 },
  })
  client.start(0)
  let sessionId: Uint8Array | undefined
  for (let round = 0; round < 3; round++) {
    for (let t = client.pollTransmit(); t; t = client.pollTransmit()) server.handleDatagram(0, FROM, t.bytes)
    for (let t = server.pollTransmit(); t; t = server.pollTransmit()) {
      const frame = decodeFrame(t.bytes)
      if (frame.kind === 'setup') {
        const message = decodeSetup(frame.opcode, frame.data)
        if (message.type === 'session-accepted') sessionId = message.sessionId
      }
      client.handleDatagram(0, SERVER, t.bytes)
    }
  }
  expect(server.sessionCount).toBe(1)
  return { crypto, clientId, server, sessionId: sessionId! }
}

describe('a server session', () => {
  it('ignores a nonce request naming its own session ID and answers one naming another', async () => {
    const { crypto, clientId, server, sessionId } = await established()
    const request = (id: Uint8Array) =>
      encodeSetup({
        type: 'nonce-request',
        suite: 1,
        clientId,
        publicKey: new Uint8Array(32),
        challenge: crypto.random(16),
        sessionId: id,
      })
    const unexpected = server.stats().unexpected
    server.handleDatagram(1, FROM, request(sessionId))
    expect(server.pollTransmit()).toBeUndefined()
    expect(server.stats().unexpected).toBe(unexpected + 1)
    const other = Uint8Array.from(sessionId)
    other[15]! ^= 1
    server.handleDatagram(2, FROM, request(other))
    expect(server.pollTransmit()).toBeDefined()
  })

  it('gives PSK clients one array as client ID and identity', async () => {
    const { clientId, server } = await established()
    const [info] = server.sessions()
    expect(info!.clientId).toEqual(clientId)
    expect(info!.identity).toBe(info!.clientId)
    expect(info!.key).toBe('10.0.0.1:20000')
  })
})
