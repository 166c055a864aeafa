import { hex, loadVectors } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import { CLIENT_ADDRESS, drainEvents, drainHex, pskPair } from './support/vectors.ts'

const file = loadVectors('psk_handshake')
const [request, nonce, clientInfo] = file.datagrams!
const clientId = () => hex(file.client_id as string)

describe('handshake:rejected', () => {
  it('reports PSK client info whose hash does not verify as wrong-key, with the claimed ID, and opens nothing', async () => {
    const { server } = await pskPair()
    server.handleDatagram(0, CLIENT_ADDRESS, hex(request!.hex))
    expect(drainHex(server)).toEqual([nonce!.hex])
    const forged = hex(clientInfo!.hex)
    forged[forged.length - 1]! ^= 1
    server.handleDatagram(1, CLIENT_ADDRESS, forged)
    expect(drainHex(server)).toEqual([]) // still no reply on the wire
    expect(drainEvents(server)).toEqual([
      { type: 'handshake:rejected', address: CLIENT_ADDRESS, clientId: clientId(), reason: 'wrong-key' },
    ])
    expect(server.sessionCount).toBe(0)
    expect(server.stats().forged).toBe(1)
  })

  it('reports a nonce request for an unknown client ID as unknown-client, also when opcode 6 is withheld', async () => {
    const { server } = await pskPair()
    const unknown = hex(request!.hex)
    unknown[21]! ^= 0xff // first byte of the client ID
    const claimed = unknown.slice(21, 37)
    server.handleDatagram(0, CLIENT_ADDRESS, unknown)
    server.handleDatagram(1, CLIENT_ADDRESS, unknown)
    expect(drainHex(server)).toHaveLength(1) // one opcode 6, then the quiet period
    expect(drainEvents(server)).toEqual([
      { type: 'handshake:rejected', address: CLIENT_ADDRESS, clientId: claimed, reason: 'unknown-client' },
      { type: 'handshake:rejected', address: CLIENT_ADDRESS, clientId: claimed, reason: 'unknown-client' },
    ])
  })
})
