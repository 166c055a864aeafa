import { type DatagramRecord, hex, loadVectors } from '@pavillion/test-vectors'
import { parseClientId, parsePsk, parseSecretKey } from 'pavillion/crypto'
import { describe, expect, it } from 'vitest'
import { type CaptureKeys, type CaptureRecord, openCaptureDecoder } from '../src/index.ts'
import { captureOf, type TestDatagram, type TestLink } from '../src/testing/index.ts'
import { expectVector } from './support/vector-fields.ts'

// Every datagram of the recorded reference sessions (packages/test-vectors/data, the same files
// as shared/vectors), wrapped in a capture of each link type and read back through the whole
// pipeline: file → frame → IP → UDP → Pavillion, with the handshakes followed.

/** The simulated sockets of the vectors (`client:40002`, `server:1783`) as loopback addresses. */
function address(socket: string): [string, number] {
  const [role = '', port = '0'] = socket.split(':')
  const host = role === 'client' ? '127.0.0.2' : role === 'attacker' ? '127.0.0.66' : '127.0.0.1'
  return [host, Number(port)]
}

function datagramOf(rec: DatagramRecord): TestDatagram {
  return { src: address(rec.src ?? ''), dst: address(rec.dst ?? ''), payload: hex(rec.hex) }
}

const psk = loadVectors('psk_handshake')
const ecc = loadVectors('ecc_handshake')
const guest = loadVectors('guest_ecc_handshake')
const codec = loadVectors('codec')
const pskKeys = (): CaptureKeys => ({
  psk: [{ clientId: parseClientId(hex(psk.client_id)), psk: parsePsk(psk.psk) }],
})
const serverKey = (doc: typeof ecc): CaptureKeys => ({ secretKeys: [parseSecretKey(doc.server_keypair.sk)] })

/** Each recorded run: its datagrams in send order and the keys a person debugging it would have. */
const RUNS: {
  name: string
  recs: DatagramRecord[]
  keys: () => CaptureKeys
  link: TestLink
  format: 'pcap' | 'pcapng'
}[] = [
  {
    name: 'psk handshake + secure messages',
    recs: [...psk.datagrams!, ...loadVectors('secure_messages').datagrams!],
    keys: pskKeys,
    link: 'ethernet',
    format: 'pcap',
  },
  { name: 'psk reconnect', recs: psk.reconnect.datagrams, keys: pskKeys, link: 'sll', format: 'pcapng' },
  { name: 'psk race', recs: psk.race.datagrams, keys: pskKeys, link: 'sll2', format: 'pcap' },
  { name: 'ecc handshake', recs: ecc.datagrams!, keys: () => serverKey(ecc), link: 'raw', format: 'pcapng' },
  {
    name: 'ecc reconnect',
    recs: ecc.reconnect.datagrams,
    keys: () => serverKey(ecc),
    link: 'null',
    format: 'pcap',
  },
  { name: 'ecc race', recs: ecc.race.datagrams, keys: () => serverKey(ecc), link: 'loop', format: 'pcapng' },
  {
    name: 'guest ecc handshake',
    recs: guest.datagrams!,
    keys: () => serverKey(guest),
    link: 'ipv4',
    format: 'pcap',
  },
  {
    name: 'malformed base session',
    recs: codec.malformed_base_session.transcript,
    keys: pskKeys,
    link: 'ethernet',
    format: 'pcapng',
  },
]

async function decodeAll(
  datagrams: TestDatagram[],
  keys: CaptureKeys,
  link: TestLink,
  format: 'pcap' | 'pcapng',
) {
  const decoder = await openCaptureDecoder(keys)
  const records: CaptureRecord[] = [...decoder.records(captureOf(datagrams, { link, format }))]
  return { decoder, records }
}

describe('every datagram of the reference transcripts decodes to its recorded fields', () => {
  for (const run of RUNS) {
    it(`${run.name} (${run.format}, ${run.link})`, async () => {
      const { decoder, records } = await decodeAll(run.recs.map(datagramOf), run.keys(), run.link, run.format)
      expect(records).toHaveLength(run.recs.length)
      for (const [i, rec] of run.recs.entries()) expectVector(`${run.name} #${rec.i}`, records[i]!, rec)
      expect(decoder.problems()).toEqual([])
      expect(decoder.summary()).toMatchObject({
        packets: run.recs.length,
        udp: run.recs.length,
        undecoded: 0,
      })
    })
  }

  it('without keys, setup messages still decode and secure ones say why not', async () => {
    const { records } = await decodeAll(
      psk.datagrams!.concat(loadVectors('secure_messages').datagrams!).map(datagramOf),
      {},
      'ethernet',
      'pcap',
    )
    for (const [i, record] of records.entries()) {
      if (i < 4) expect(record.decoded.kind).toBe('setup')
      else
        expect(record.decoded).toMatchObject({
          kind: 'undecoded',
          reason: 'NO_KEYS',
          detail: expect.stringContaining('interop-client01'),
        })
    }
  })

  it('codec header examples and server announcements decode', async () => {
    const list = [
      ...codec.headers,
      ...codec.announcements.unicast_server,
      ...codec.announcements.multicast_server,
    ] as { hex: string; kind?: string; opcode?: number; counter?: string }[]
    const { records } = await decodeAll(
      list.map((h) => ({ src: ['127.0.0.1', 40001], dst: ['224.0.0.251', 2221], payload: hex(h.hex) })),
      {},
      'ethernet',
      'pcap',
    )
    list.forEach((h, i) => {
      const decoded = records[i]!.decoded
      if (h.kind === 'secure')
        expect(decoded).toMatchObject({ kind: 'undecoded', reason: 'NO_KEYS', counter: BigInt(h.counter!) })
      else
        expect(decoded, h.hex).toMatchObject({
          kind: 'setup',
          message: {
            type:
              h.opcode === 4 ? 'unrecognized-client' : h.opcode === 1 ? 'nonce-request' : 'new-server-join',
          },
        })
    })
  })
})

/** What each injected malformed datagram must come out as (the others: whatever, but never a throw). */
const MALFORMED_REASON: Record<string, string> = {
  empty: 'MALFORMED',
  magic_only: 'MALFORMED',
  truncated_counter: 'MALFORMED',
  counter0_no_opcode: 'MALFORMED',
  wrong_magic: 'NOT_PAVILLION',
  plaintext_protocol_magic: 'PLAINTEXT_FRAMING',
  counter0_unknown_opcode: 'MALFORMED',
  nonce_request_truncated: 'MALFORMED',
  secure_bad_mac_recent: 'NOT_OPENED',
  secure_bad_mac_after_2s: 'NOT_OPENED',
  secure_too_short_for_mac: 'MALFORMED',
  secure_wrong_key: 'NOT_OPENED',
  secure_empty_plaintext: 'MALFORMED',
  secure_reliable_missing_separators: 'MALFORMED',
  secure_rpc_call_truncated: 'MALFORMED',
  secure_from_unknown_peer: 'NO_KEYS',
  c_empty: 'MALFORMED',
  c_counter0_unknown_opcode: 'MALFORMED',
  c_secure_bad_mac: 'NOT_OPENED',
}

describe('the malformed datagrams injected into a recorded session', () => {
  const base = codec.malformed_base_session
  for (const m of codec.malformed as { name: string; to: string; from_addr: string; hex: string }[]) {
    it(`${m.name} is listed, with its reason`, async () => {
      const [host = '', port = '0'] = m.from_addr.split(':')
      const to: [string, number] = m.to === 'server' ? ['127.0.0.1', 40001] : ['127.0.0.2', 40002]
      const datagrams = [
        ...base.transcript.map(datagramOf),
        { src: [host, Number(port)] as [string, number], dst: to, payload: hex(m.hex) },
      ]
      const { records } = await decodeAll(datagrams, pskKeys(), 'ethernet', 'pcap')
      const last = records.at(-1)!.decoded
      const reason = MALFORMED_REASON[m.name]
      if (reason !== undefined) expect(last).toMatchObject({ kind: 'undecoded', reason })
      else expect(['setup', 'secure', 'undecoded']).toContain(last.kind)
    })
  }
})
