import { hex, loadVectors } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import { CLIENT_ADDRESS, drainEvents, drainHex, pskPair, SERVER_ADDRESS } from './support/vectors.ts'

const file = loadVectors('psk_handshake')
const [request, nonce, clientInfo, accepted] = file.datagrams!

describe('PSK handshake replays the reference transcript byte for byte', () => {
  it('as server: nonce request → PSK nonce, client info → session accepted, with the recorded keys', async () => {
    const { server } = await pskPair()
    server.handleDatagram(0, CLIENT_ADDRESS, hex(request!.hex))
    expect(drainHex(server)).toEqual([nonce!.hex])
    server.handleDatagram(1, CLIENT_ADDRESS, hex(clientInfo!.hex))
    expect(drainHex(server)).toEqual([accepted!.hex])
    const [opened] = drainEvents(server)
    expect(opened).toMatchObject({ type: 'session:opened', client: { guest: false, suite: 1 } })
    expect(Buffer.from(server.sessions()[0]!.identity).toString('hex')).toBe(file.client_id)
  })

  it('as client: start → nonce request, PSK nonce → client info', async () => {
    const { client } = await pskPair()
    client.start(0)
    expect(drainHex(client)).toEqual([request!.hex])
    client.handleDatagram(1, SERVER_ADDRESS, hex(nonce!.hex))
    expect(drainHex(client)).toEqual([clientInfo!.hex])
    expect(drainEvents(client)).toEqual([]) // not before the server proves it accepted us
    client.handleDatagram(2, SERVER_ADDRESS, hex(accepted!.hex))
    expect(drainEvents(client).map((e) => e.type)).toEqual(['server:connected'])
  })

  it('our client and our server complete the same handshake against each other', async () => {
    const { client, server } = await pskPair()
    client.start(0)
    const [first] = drainHex(client)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(first!))
    const [second] = drainHex(server)
    client.handleDatagram(0, SERVER_ADDRESS, hex(second!))
    const [third] = drainHex(client)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(third!))
    expect([first, second, third, ...drainHex(server)]).toEqual(file.datagrams!.map((d) => d.hex))
  })
})
