import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hex, loadVectors } from '@pavillion/test-vectors'
import { encodeSetup } from 'pavillion/wire'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openCaptureDecoder, recordFields } from '../src/index.ts'
import { captureOf, type TestDatagram } from '../src/testing/index.ts'
import { eccSession, HOSTS, pskSession } from './support/session.ts'
import { installed, recordCapture } from './support/tcpdump.ts'
import { dissect, hexOf, type Layers } from './support/tshark.ts'

// The Wireshark dissector (wireshark/pavillion.lua), run by Debian's tshark on captures made
// here: every setup message's opcode and fields must appear in tshark's output, with the values
// our own decoder reads from the same frames.
const ready = installed('tshark') && installed('tcpdump')
if (!ready && process.env.CI) throw new Error('tshark and tcpdump must be installed (.ci/run installs them)')

const dir = await mkdtemp(join(tmpdir(), 'pavillion-dissector-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Our decoder's field name → the dissector's field. */
const FIELDS: Record<string, string> = {
  suite: 'pavillion.suite',
  clientId: 'pavillion.client_id',
  challenge: 'pavillion.challenge',
  sessionId: 'pavillion.session_id',
  publicKey: 'pavillion.public_key',
  serverNonce: 'pavillion.server_nonce',
  clientNonce: 'pavillion.client_nonce',
  counter: 'pavillion.client_counter',
  hash: 'pavillion.hash',
  boxNonce: 'pavillion.box_nonce',
  box: 'pavillion.box',
}
const OPCODES: Record<string, number> = {
  'nonce-request': 1,
  'psk-nonce': 2,
  'psk-client-info': 3,
  'unrecognized-client': 4,
  'new-server-join': 5,
  'invalid-client-id': 6,
  'session-accepted': 7,
  'ecc-nonce': 11,
  'ecc-client-info': 12,
}

/** Checks every frame of `path` against our decoder; returns the setup types seen. */
async function compare(path: string, layers: Layers): Promise<Set<string>> {
  const decoder = await openCaptureDecoder()
  const seen = new Set<string>()
  for (const record of decoder.records(await readFile(path))) {
    const layer = layers.get(record.index)
    const fields = recordFields(record)
    if (record.decoded.kind === 'undecoded' && record.decoded.reason === 'NOT_PAVILLION') {
      expect(layer, `frame ${record.index} is not Pavillion`).toBeUndefined()
      continue
    }
    // A datagram that breaks the wire format is the decoder's business; the dissector may decline it.
    if (record.decoded.kind === 'undecoded' && !['NO_KEYS', 'NOT_OPENED'].includes(record.decoded.reason))
      continue
    expect(layer, `frame ${record.index} not dissected`).toBeDefined()
    expect(layer!['pavillion.magic']).toBe('PavillionS0')
    const counter =
      record.decoded.kind === 'undecoded'
        ? record.decoded.counter
        : record.decoded.kind === 'secure'
          ? record.decoded.counter
          : 0n
    expect(layer!['pavillion.counter'], `frame ${record.index}`).toBe(String(counter))
    if (record.decoded.kind !== 'setup') {
      // Tag and ciphertext sit in the "Encrypted body" subtree.
      expect(JSON.stringify(layer), `frame ${record.index}: encrypted body shown`).toMatch(
        /pavillion\.tag.*pavillion\.ciphertext/,
      )
      continue
    }
    const message = fields.message as Record<string, unknown>
    const type = String(message.type)
    seen.add(type)
    expect(layer!['pavillion.setup.opcode'], `frame ${record.index}`).toBe(String(OPCODES[type]))
    for (const [name, value] of Object.entries(message)) {
      if (name === 'type') continue
      const got = layer![FIELDS[name]!]
      expect(got, `frame ${record.index} ${type}.${name}`).toBeDefined()
      expect(
        typeof value === 'string' ? hexOf(got) : String(got),
        `frame ${record.index} ${type}.${name}`,
      ).toBe(String(value))
    }
  }
  return seen
}

describe.skipIf(!ready)('the Wireshark dissector under tshark', () => {
  const real = join(dir, 'sessions.pcap')
  const made = join(dir, 'every-setup.pcap')

  beforeAll(async () => {
    await recordCapture(
      real,
      async () => {
        await pskSession(HOSTS.dissector)
        await eccSession(HOSTS.dissector)
      },
      { host: HOSTS.dissector },
    )
    // One datagram of each setup message (4, 5 and 6 from the encoder), on the default ports and on
    // ephemeral ones; a datagram that is not Pavillion on 2221; a nonce request cut short.
    const vector = (file: 'psk_handshake' | 'ecc_handshake', i: number) =>
      hex(loadVectors(file).datagrams![i]!.hex)
    const list: TestDatagram[] = [
      { src: ['127.0.0.2', 40002], dst: ['127.0.0.1', 1783], payload: vector('psk_handshake', 0) },
      { src: ['127.0.0.1', 40001], dst: ['127.0.0.2', 40002], payload: vector('psk_handshake', 1) },
      { src: ['127.0.0.2', 40002], dst: ['127.0.0.1', 40001], payload: vector('psk_handshake', 2) },
      { src: ['127.0.0.1', 40001], dst: ['127.0.0.2', 40002], payload: vector('psk_handshake', 3) },
      {
        src: ['127.0.0.1', 40001],
        dst: ['127.0.0.2', 40002],
        payload: encodeSetup({ type: 'unrecognized-client' }),
      },
      {
        src: ['127.0.0.1', 40001],
        dst: ['224.0.0.251', 2221],
        payload: encodeSetup({ type: 'new-server-join' }),
      },
      {
        src: ['127.0.0.1', 40001],
        dst: ['127.0.0.2', 40002],
        payload: encodeSetup({ type: 'invalid-client-id', challenge: new Uint8Array(16).fill(0x33) }),
      },
      { src: ['127.0.0.1', 40003], dst: ['127.0.0.2', 40004], payload: vector('ecc_handshake', 1) },
      { src: ['127.0.0.2', 40004], dst: ['127.0.0.1', 40003], payload: vector('ecc_handshake', 2) },
      { src: ['127.0.0.2', 40004], dst: ['127.0.0.1', 1783], payload: vector('ecc_handshake', 5) },
      {
        src: ['127.0.0.1', 5353],
        dst: ['127.0.0.1', 2221],
        payload: new TextEncoder().encode('not pavillion'),
      },
    ]
    await writeFile(made, captureOf(list))
    await writeFile(
      join(dir, 'cut.pcap'),
      captureOf([
        {
          src: ['127.0.0.2', 40002],
          dst: ['127.0.0.1', 1783],
          payload: vector('psk_handshake', 0).subarray(0, 60),
        },
      ]),
    )
  }, 60_000)

  it('a capture of real PSK and ECC sessions: every setup message with its fields', async () => {
    const seen = await compare(real, dissect(real))
    for (const type of [
      'nonce-request',
      'psk-nonce',
      'psk-client-info',
      'session-accepted',
      'ecc-nonce',
      'ecc-client-info',
    ])
      expect(seen).toContain(type)
  })

  it('every setup opcode, on the default and on ephemeral ports; other UDP left alone', async () => {
    const seen = await compare(made, dissect(made))
    expect([...seen].sort()).toEqual(Object.keys(OPCODES).sort())
  })

  it('with the heuristic off, only the ports of the preference are dissected', () => {
    const off = dissect(made, ['pavillion.heuristic:FALSE'])
    expect(off.get(1)).toBeDefined() // to 1783
    expect(off.get(2)).toBeUndefined() // 40001 → 40002
    const custom = dissect(made, ['pavillion.heuristic:FALSE', 'pavillion.ports:40001'])
    expect(custom.get(1)).toBeUndefined()
    expect(custom.get(2)).toMatchObject({ 'pavillion.setup.opcode': '2' })
  })

  it('a setup message of the wrong length is flagged, not crashed on', () => {
    const layer = dissect(join(dir, 'cut.pcap')).get(1)
    expect(layer).toMatchObject({ 'pavillion.setup.opcode': '1' })
    expect(JSON.stringify(layer)).toMatch(/carries 40 data bytes, the protocol says 81/)
  })
})
