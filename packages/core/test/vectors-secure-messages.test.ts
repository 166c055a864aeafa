import { loadCrypto, SymmetricKey } from '@pavillion/crypto'
import { type DatagramRecord, hex, loadVectors, toHex, u64 } from '@pavillion/test-vectors'
import { decodeAppPayload, decodeFrame } from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import type { ClientEndpoint } from '../src/client/client-endpoint.ts'
import type { ServerEndpoint } from '../src/server/server-endpoint.ts'
import { CLIENT_ADDRESS, drainEvents, drainHex, pskPair, SERVER_ADDRESS } from './support/vectors.ts'

const handshake = loadVectors('psk_handshake')
const file = loadVectors('secure_messages')
const byStep = (step: string) => file.datagrams!.filter((d) => d.step === step)

/** Our client and server, keyed by replaying the recorded handshake through both. */
async function establishedPair(status?: () => Uint8Array | undefined) {
  const pair = await pskPair(undefined, status)
  const { client, server } = pair
  client.start(0)
  server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
  client.handleDatagram(0, SERVER_ADDRESS, hex(drainHex(server)[0]!))
  server.handleDatagram(0, CLIENT_ADDRESS, hex(drainHex(client)[0]!))
  expect(drainHex(server)).toEqual([handshake.datagrams![3]!.hex])
  drainEvents(client)
  drainEvents(server)
  return pair
}

/** Opens a recorded secure datagram with the session key it names. */
async function plaintextOf(record: DatagramRecord): Promise<string> {
  const crypto = await loadCrypto()
  const key = SymmetricKey.from(hex(record.key === 'c2s' ? file.session.c2s_key : file.session.s2c_key))
  const frame = decodeFrame(hex(record.hex))
  if (frame.kind !== 'secure') throw new Error('not secure')
  return toHex(crypto.open(frame.box, frame.counter, key)!)
}

/** What the application does on each side to make the recorded request happen. */
function act(record: DatagramRecord, client: ClientEndpoint, server: ServerEndpoint, now: number): void {
  const plaintext = hex(record.plaintext!)
  if (record.from === 'client') {
    if (record.opcode === 1) client.send(now, { plaintext, track: { deadline: now + 5000, expect: 'any' } })
    else client.send(now, { plaintext })
  } else if (record.opcode === 12) {
    server.close(now)
  } else {
    server.send(
      now,
      record.opcode === 1 ? { plaintext, track: { deadline: now + 5000, expect: 'all' } } : { plaintext },
    )
  }
}

describe('secure messages replay the reference session byte for byte', () => {
  it('every datagram of every step, in order, from both roles', async () => {
    let step = ''
    const statusBytes = hex(file.session.status_bytes_when_enabled)
    const { client, server } = await establishedPair(() =>
      step === 'reliable_c2s_with_status' ? statusBytes : undefined,
    )
    const produced = { client: [] as string[], server: [] as string[] }
    let now = 1
    for (const record of file.datagrams!) {
      step = record.step
      if (record.step === 'replay_c2s' || record.step === 'quit_c2s_client_close') continue // checked below
      const sender = record.from as 'client' | 'server'
      if (record.injected === true) {
        // A harness replay: feed it and let the receiver react.
      } else {
        if (produced[sender].length === 0) act(record, client, server, now)
        produced.client.push(...drainHex(client))
        produced.server.push(...drainHex(server))
        const ours = produced[sender].shift()
        expect(ours, `${record.step} #${record.i}`).toBeDefined()
        if (record.opcode === 21) {
          // Clock values differ by nature; the envelope and the echoed request counter must not.
          const mine = { ...record, hex: ours! }
          expect(ours!.length).toBe(record.hex.length)
          expect(ours!.slice(0, 38)).toBe(record.hex.slice(0, 38))
          expect((await plaintextOf(mine)).slice(0, 18)).toBe(record.plaintext!.slice(0, 18))
        } else {
          expect(ours, `${record.step} #${record.i}`).toBe(record.hex)
        }
      }
      const receiver = sender === 'client' ? server : client
      const from = sender === 'client' ? CLIENT_ADDRESS : SERVER_ADDRESS
      if (record.delivered_to!.length > 0) receiver.handleDatagram(now, from, hex(record.hex))
      produced.client.push(...drainHex(client))
      produced.server.push(...drainHex(server))
      now += 1
    }
    expect(produced).toEqual({ client: [], server: [] })
  })

  it('the application sees each message once, with the authenticated sender', async () => {
    const { server } = await establishedPair()
    for (const step of ['reliable_c2s', 'unreliable_c2s']) {
      server.handleDatagram(1, CLIENT_ADDRESS, hex(byStep(step)[0]!.hex))
    }
    const messages = drainEvents(server).filter((e) => e.type === 'message')
    expect(messages.map((m) => m.type === 'message' && decodeAppPayload(m.opcode, m.payload))).toEqual([
      {
        type: 'reliable',
        target: 'T',
        name: 'hello',
        body: hex('72656c6961626c65207061796c6f616420632d3e73'),
      },
      expect.objectContaining({ type: 'unreliable', target: 'T', name: 'uhello' }),
    ])
    expect(
      messages.every((m) => m.type === 'message' && toHex(m.sender.identity) === file.session.client_id),
    ).toBe(true)
  })

  it('a replayed reliable message is re-acknowledged but never delivered twice (server)', async () => {
    const { server } = await establishedPair()
    const original = hex(byStep('reliable_c2s')[0]!.hex)
    server.handleDatagram(1, CLIENT_ADDRESS, original)
    const firstAck = drainHex(server)
    expect(drainEvents(server).filter((e) => e.type === 'message')).toHaveLength(1)
    server.handleDatagram(2, CLIENT_ADDRESS, original)
    const reAck = drainHex(server)
    expect(reAck).toHaveLength(1)
    expect(reAck[0]).not.toBe(firstAck[0]) // a new counter: never the same nonce twice
    expect(drainEvents(server)).toEqual([])
    expect(server.stats().duplicates).toBe(1)
  })

  it('a replayed reliable message is re-acknowledged but never delivered twice (client)', async () => {
    const { client } = await establishedPair()
    const original = hex(byStep('reliable_s2c')[0]!.hex)
    client.handleDatagram(1, SERVER_ADDRESS, original)
    drainHex(client)
    expect(drainEvents(client).filter((e) => e.type === 'message')).toHaveLength(1)
    client.handleDatagram(2, SERVER_ADDRESS, original)
    expect(drainHex(client)).toHaveLength(1)
    expect(drainEvents(client)).toEqual([])
  })

  it('the session counters match the recording', async () => {
    const { client } = await establishedPair()
    expect(client.counter).toBe(u64(file.session.client_counter_after_handshake))
  })
})
