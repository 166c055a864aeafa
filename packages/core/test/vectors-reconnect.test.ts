import { hex, loadVectors } from '@pavillion/test-vectors'
import { encodeApp } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import { CLIENT_ADDRESS, drainEvents, drainHex, pskPair, SERVER_ADDRESS } from './support/vectors.ts'

const file = loadVectors('psk_handshake')

describe('reconnect transcript (server restarted with empty state)', () => {
  const d = file.reconnect.datagrams as { hex: string; opcode_name: string }[]

  it('our server answers a secure packet from a peer without a session with opcode 4 (20 bytes)', async () => {
    const { server } = await pskPair()
    const call = d.find((x) => x.opcode_name === 'rpc_call')!
    server.handleDatagram(0, CLIENT_ADDRESS, hex(call.hex))
    expect(drainHex(server)).toEqual([d.find((x) => x.opcode_name === 'unrecognized_client')!.hex])
    expect(drainEvents(server)).toEqual([])
    // A second one within the quiet period gets nothing: no reflection amplifier.
    server.handleDatagram(1, CLIENT_ADDRESS, hex(call.hex))
    expect(drainHex(server)).toEqual([])
    expect(server.stats().rateLimited).toBe(1)
  })

  it('our client answers opcode 4 from its server with a nonce request carrying zeros, never a key', async () => {
    const { client, server } = await pskPair()
    client.start(0)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    client.handleDatagram(0, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    drainHex(server)
    const unrecognized = hex(d.find((x) => x.opcode_name === 'unrecognized_client')!.hex)
    client.handleDatagram(40_000, SERVER_ADDRESS, unrecognized)
    const [request] = drainHex(client)
    expect(request).toBeDefined()
    expect(request!.slice(0, 40)).toBe(d[0]!.hex.slice(0, 40)) // magic, counter 0, opcode 1, suite 1
    expect(request!.slice(-64)).toBe('0'.repeat(64))
    // The new server's nonce re-keys the client, and a call goes through.
    server.handleDatagram(40_000, CLIENT_ADDRESS, hex(request!))
    client.handleDatagram(40_000, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    server.handleDatagram(40_000, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    expect(drainHex(server)).toHaveLength(1)
    expect(client.stats().handshakes).toBe(2)
  })

  it('opcode 4 from a stranger is ignored (no amplification towards a spoofed victim)', async () => {
    const { client } = await pskPair()
    client.start(0)
    drainHex(client)
    const unrecognized = hex(d.find((x) => x.opcode_name === 'unrecognized_client')!.hex)
    client.handleDatagram(1, { address: '192.0.2.7', port: 9 }, unrecognized)
    expect(drainHex(client)).toEqual([])
  })
})

describe('race transcript (the call arrives before the nonce request)', () => {
  const d = file.race.datagrams as { hex: string; opcode_name: string }[]

  it('a repeated PSK nonce only re-sends the same client info; keys stay consistent', async () => {
    const { client } = await pskPair(file)
    client.start(0)
    drainHex(client)
    const nonce = hex(d.find((x) => x.opcode_name === 'psk_nonce')!.hex)
    // The race transcript's nonce answers another client's challenge: ours refuses it.
    client.handleDatagram(0, SERVER_ADDRESS, nonce)
    expect(drainHex(client)).toEqual([])
    expect(client.stats().stale).toBe(1)
  })

  it('our own repeated nonce: identical client info twice, one key, one connected event', async () => {
    const { client, server } = await pskPair()
    client.start(0)
    const request = hex(drainHex(client)[0]!)
    server.handleDatagram(0, CLIENT_ADDRESS, request)
    server.handleDatagram(0, CLIENT_ADDRESS, request)
    const [nonceA, nonceB] = drainHex(server)
    expect(nonceA).toBe(nonceB) // one server nonce per address until a handshake completes
    client.handleDatagram(0, SERVER_ADDRESS, hex(nonceA!))
    client.handleDatagram(0, SERVER_ADDRESS, hex(nonceB!))
    const [infoA, infoB] = drainHex(client)
    expect(infoB).toBe(infoA)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(infoA!))
    server.handleDatagram(0, CLIENT_ADDRESS, hex(infoB!))
    const accepted = drainHex(server)
    // The repeat gets the same opcode 7 again (its first may have been lost), and no second session.
    expect(accepted).toHaveLength(2)
    expect(accepted[1]).toBe(accepted[0])
    expect(server.sessionCount).toBe(1)
    expect(server.stats().handshakes).toBe(1)
    client.handleDatagram(0, SERVER_ADDRESS, hex(accepted[0]!))
    client.handleDatagram(0, SERVER_ADDRESS, hex(accepted[1]!))
    expect(drainEvents(client).map((e) => e.type)).toEqual(['server:connected'])
  })
})

describe('reflected handshake answers', () => {
  it('a server nonce already answered, arriving from another address, gets nothing and creates no server record', async () => {
    const { client, server } = await pskPair()
    client.start(0)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    const nonce = hex(drainHex(server)[0]!)
    client.handleDatagram(0, SERVER_ADDRESS, nonce)
    expect(drainHex(client)).toHaveLength(1)
    const victim = { address: '192.0.2.55', port: 53 }
    client.handleDatagram(1, victim, nonce)
    expect(drainHex(client)).toEqual([])
    expect(client.serverState('192.0.2.55:53')).toBeUndefined()
  })
})

describe('a re-handshake while a server send is in flight', () => {
  it('the message is never delivered twice: the send reports the client missing at its deadline', async () => {
    const { client, server } = await pskPair()
    client.start(0)
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    client.handleDatagram(0, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    client.handleDatagram(0, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    drainEvents(client)
    drainEvents(server)
    const plaintext = encodeApp({ type: 'reliable', target: 'T', name: 'n', body: new Uint8Array([7]) })
    server.send(1, { plaintext, track: { deadline: 1000, expect: 'all' } })
    const [original] = drainHex(server)
    client.handleDatagram(1, SERVER_ADDRESS, hex(original!)) // delivered; its ack is lost
    expect(drainEvents(client).filter((e) => e.type === 'message')).toHaveLength(1)
    drainHex(client)
    // The client re-handshakes (here: told so by an opcode 4) before the retransmission.
    client.handleDatagram(2, SERVER_ADDRESS, hex('506176696c6c696f6e5330000000000000000004'))
    server.handleDatagram(2, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    client.handleDatagram(2, SERVER_ADDRESS, hex(drainHex(server)[0]!))
    server.handleDatagram(2, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
    for (const datagram of drainHex(server)) client.handleDatagram(2, SERVER_ADDRESS, hex(datagram))
    for (let now = 10; now <= 1000; now += 10) {
      server.handleTimeout(now)
      for (const datagram of drainHex(server)) client.handleDatagram(now, SERVER_ADDRESS, hex(datagram))
    }
    expect(drainEvents(client).filter((e) => e.type === 'message')).toEqual([])
    const delivery = drainEvents(server).find((e) => e.type === 'delivery')
    expect(delivery?.type === 'delivery' && delivery.report.outcome).toBe('deadline')
    expect(delivery?.type === 'delivery' && delivery.report.missing).toHaveLength(1)
  })
})
