import { hex, loadVectors, toHex } from '@pavillion/test-vectors'
import { decodeAppPayload } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { CLIENT_ADDRESS, drainEvents, drainHex, eccPair, SERVER_ADDRESS } from './support/vectors.ts'

describe.each([
  ['registered client', 'ecc_handshake'],
  ['guest', 'guest_ecc_handshake'],
] as const)('ECC handshake (%s) replays the reference transcript byte for byte', (_, name) => {
  const file = loadVectors(name)
  const [request, nonce, clientInfo, accepted] = file.datagrams!

  it('as server: nonce request → ECC nonce, client info → session accepted, reporting the recorded identity', async () => {
    const { server } = await eccPair(file)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(request!.hex))
    expect(drainHex(server)).toEqual([nonce!.hex])
    server.handleDatagram(1, CLIENT_ADDRESS, hex(clientInfo!.hex))
    expect(drainHex(server)).toEqual([accepted!.hex])
    const opened = drainEvents(server).find((e) => e.type === 'session:opened')
    expect(opened?.type === 'session:opened' && toHex(opened.client.identity)).toBe(
      file.server_reported_client_id,
    )
    expect(opened?.type === 'session:opened' && opened.client.guest).toBe(file.guest)
  })

  it('as client: start → nonce request (public key, never the secret), ECC nonce → client info', async () => {
    const { client } = await eccPair(file)
    client.start(0)
    expect(drainHex(client)).toEqual([request!.hex])
    client.handleDatagram(1, SERVER_ADDRESS, hex(nonce!.hex))
    expect(drainHex(client)).toEqual([clientInfo!.hex])
    expect(drainEvents(client)).toEqual([]) // not before the server proves it accepted us
    client.handleDatagram(2, SERVER_ADDRESS, hex(accepted!.hex))
    expect(drainEvents(client).map((e) => e.type)).toEqual(['server:connected'])
  })

  it('the messages after the handshake are the recorded bytes in both directions', async () => {
    const { client, server } = await eccPair(file)
    client.start(0)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    client.handleDatagram(0, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    drainHex(server)
    const after = file.datagrams!.slice(file.handshake_datagram_count as number)
    for (const record of after) {
      const plaintext = hex(record.plaintext!)
      let ours: string[]
      if (record.from === 'server' && record.opcode === 12) {
        server.close(1)
        ours = drainHex(server)
      } else if (record.from === 'server' && (record.opcode === 13 || record.opcode === 5)) {
        server.send(1, { plaintext })
        ours = drainHex(server)
      } else if (record.from === 'client') {
        client.send(
          1,
          record.opcode === 1 ? { plaintext, track: { deadline: 5000, expect: 'any' } } : { plaintext },
        )
        ours = drainHex(client)
      } else {
        ours = drainHex(server) // the ack the engine produced for the client's message
      }
      expect(ours, `${record.step} #${record.i}`).toEqual([record.hex])
      const receiver = record.from === 'client' ? server : client
      receiver.handleDatagram(1, record.from === 'client' ? CLIENT_ADDRESS : SERVER_ADDRESS, hex(record.hex))
      if (record.from === 'server') drainHex(client)
    }
  })
})

describe('ECC race (a reference client defect): our client never re-keys for a server nonce it already answered', () => {
  const file = loadVectors('ecc_handshake')
  const race = file.race
  const d = race.datagrams as { hex: string; opcode_name: string; from: string }[]

  it('re-sends the same client info, so both sides keep the same server→client key', async () => {
    const { client, server } = await eccPair(file, race)
    // The early call arrives before the nonce request: the server answers opcode 4.
    server.handleDatagram(0, CLIENT_ADDRESS, hex(d[0]!.hex))
    expect(drainHex(server)).toEqual([d[2]!.hex])
    server.handleDatagram(0, CLIENT_ADDRESS, hex(d[1]!.hex))
    expect(drainHex(server)).toEqual([d[3]!.hex])
    // Our client receives opcode 4 then the ECC nonce, as the reference did.
    client.handleDatagram(0, SERVER_ADDRESS, hex(d[2]!.hex))
    const secondRequest = drainHex(client)
    expect(secondRequest).toHaveLength(1)
    client.handleDatagram(0, SERVER_ADDRESS, hex(d[3]!.hex))
    const infoA = drainHex(client)
    // Same shape as the reference's client info A; the counter inside differs because our
    // client queues the early call instead of sending it before the handshake.
    expect(infoA.map((h) => h.length)).toEqual([d[5]!.hex.length])
    // The server answers the second nonce request with the same server nonce…
    server.handleDatagram(0, CLIENT_ADDRESS, hex(secondRequest[0]!))
    const secondNonce = drainHex(server)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(infoA[0]!))
    const accepted = drainHex(server)
    expect(accepted).toHaveLength(1) // session accepted
    // …and our client re-sends client info A instead of drawing a new key B.
    client.handleDatagram(0, SERVER_ADDRESS, hex(secondNonce[0]!))
    expect(drainHex(client)).toEqual(infoA)
    client.handleDatagram(0, SERVER_ADDRESS, hex(accepted[0]!))
    // Both sides agree: an echo call now round-trips.
    drainEvents(client)
    client.send(1, { plaintext: hex('0491016869') })
    server.handleDatagram(1, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    const call = drainEvents(server).find((e) => e.type === 'message')
    expect(call?.type === 'message' && decodeAppPayload(call.opcode, call.payload).type).toBe('rpc-call')
    server.send(1, { plaintext: hex('05') })
    client.handleDatagram(1, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    expect(client.stats().forged).toBe(0)
  })
})
