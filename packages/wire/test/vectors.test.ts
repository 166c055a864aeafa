import { hex, loadVectors, toHex, u64 } from '@pavillion/test-vectors'
import { describe, expect, it } from 'vitest'
import {
  decodeApp,
  decodeEccClientInfoPlaintext,
  decodeEccNoncePlaintext,
  decodeFrame,
  decodeSetup,
  decodeStatus,
  encodeApp,
  encodeEccClientInfoPlaintext,
  encodeEccNoncePlaintext,
  encodeSecureFrame,
  encodeSetup,
  pskClientInfoHashedBytes,
  pskNonceHashedBytes,
  RpcStatus,
  rpcStatusName,
} from '../src/index.ts'
import { allDatagrams, expectedApp, expectedEccPlaintext, expectedSetup } from './vectors.ts'

const datagrams = allDatagrams()
const setups = datagrams.filter((d) => d.rec.kind === 'setup')
const secures = datagrams.filter((d) => d.rec.kind === 'secure')

describe('recorded transcripts', () => {
  it('include every transcript of every file, reconnect and race included', () => {
    const sections = new Set(datagrams.map((d) => d.label.replace(/#\d+$/, '')))
    expect([...sections].sort()).toEqual([
      'codec/malformed_base_session',
      'ecc_handshake/datagrams',
      'ecc_handshake/race',
      'ecc_handshake/reconnect',
      'guest_ecc_handshake/datagrams',
      'psk_handshake/datagrams',
      'psk_handshake/race',
      'psk_handshake/reconnect',
      'secure_messages/datagrams',
    ])
    expect(setups.length).toBeGreaterThan(40)
    expect(secures.length).toBeGreaterThan(60)
    expect(datagrams.every((d) => d.rec.kind !== 'invalid')).toBe(true)
  })
})

describe.each(setups)('setup datagram $label', ({ rec }) => {
  const datagram = hex(rec.hex)

  it(`decodes (opcode ${rec.opcode} ${rec.opcode_name}) to its recorded fields and re-encodes byte-identical`, () => {
    const frame = decodeFrame(datagram)
    expect(frame).toMatchObject({ kind: 'setup', opcode: rec.opcode })
    if (frame.kind !== 'setup') return
    const msg = decodeSetup(frame.opcode, frame.data)
    const expected = expectedSetup(rec)
    expect(msg).toEqual(expected)
    expect(toHex(encodeSetup(msg))).toBe(rec.hex)
    expect(toHex(encodeSetup(expected))).toBe(rec.hex)
    if (msg.type === 'psk-nonce')
      expect(toHex(pskNonceHashedBytes(msg.serverNonce, msg.challenge))).toBe(rec.hex.slice(40, 136))
    if (msg.type === 'psk-client-info')
      expect(toHex(pskClientInfoHashedBytes(msg))).toBe(rec.hex.slice(40, 218))
  })

  if (rec.opcode === 11 || rec.opcode === 12) {
    it('has a sealed plaintext that decodes to its recorded fields and re-encodes byte-identical', () => {
      const { plaintext, fields } = expectedEccPlaintext(rec)
      if (rec.opcode === 11) {
        const p = decodeEccNoncePlaintext(plaintext)
        expect(p).toEqual(fields)
        expect(encodeEccNoncePlaintext(p)).toEqual(plaintext)
      } else {
        const p = decodeEccClientInfoPlaintext(plaintext)
        expect(p).toEqual(fields)
        expect(encodeEccClientInfoPlaintext(p)).toEqual(plaintext)
      }
      // the box is the plaintext plus a 16-byte tag
      expect(hex((rec.fields as { box: string }).box).length).toBe(plaintext.length + 16)
    })
  }
})

describe.each(secures)('secure datagram $label', ({ rec }) => {
  it(`frames counter ${rec.counter} and its plaintext (opcode ${rec.opcode} ${rec.opcode_name}) decodes to the recorded fields and re-encodes byte-identical`, () => {
    const frame = decodeFrame(hex(rec.hex))
    expect(frame).toEqual({ kind: 'secure', counter: u64(rec.counter), box: hex(rec.box!) })
    expect(toHex(encodeSecureFrame(u64(rec.counter), hex(rec.box!)))).toBe(rec.hex)

    const plaintext = hex(rec.plaintext!)
    expect(plaintext.length + 16).toBe(hex(rec.box!).length)
    const msg = decodeApp(plaintext)
    const expected = expectedApp(rec)
    expect(msg).toEqual(expected)
    expect(toHex(encodeApp(msg))).toBe(rec.plaintext)
    expect(toHex(encodeApp(expected))).toBe(rec.plaintext)
  })
})

describe('secure_messages.json specifics', () => {
  const doc = loadVectors('secure_messages')
  const byStep = (step: string, opcode: number) =>
    doc.datagrams!.find((d) => d.step === step && d.opcode === opcode)!

  it.each(['rpc_error_raises', 'rpc_nonexistent_function'])(
    '%s: the status-257 response carries the reference traceback text',
    (step) => {
      const msg = decodeApp(hex(byStep(step, 5).plaintext!))
      expect(msg).toMatchObject({ type: 'rpc-response', status: RpcStatus.ReferenceFailure })
      if (msg.type !== 'rpc-response') return
      expect(rpcStatusName(msg.status)).toBe('ReferenceFailure')
      const text = new TextDecoder().decode(msg.data)
      expect(text.startsWith('Exception on remote server\r\nTraceback')).toBe(true)
      // call counter = the counter of the call datagram
      expect(msg.callCounter).toBe(u64(byStep(step, 4).counter))
    },
  )

  it('the ack with status carries b2 46 19, which decodes to battery 50/63 charging, WLAN −50 dBm, 25 °C', () => {
    const msg = decodeApp(hex(byStep('reliable_c2s_with_status', 2).plaintext!))
    expect(msg.type).toBe('ack')
    if (msg.type !== 'ack' || msg.status === undefined) throw new Error('no status')
    expect(toHex(msg.status)).toBe(doc.session.status_bytes_when_enabled)
    expect(decodeStatus(msg.status)).toEqual({
      battery: { level: 50, percent: (50 / 63) * 100, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
      raw: msg.status,
    })
  })

  it('the keepalive is exactly 01 0a 0a: a reliable message with empty target, name and body', () => {
    const msg = decodeApp(hex(byStep('keepalive', 1).plaintext!))
    expect(msg).toEqual({ type: 'reliable', target: '', name: '', body: new Uint8Array(0) })
    expect(toHex(encodeApp({ type: 'reliable', target: '', name: '', body: new Uint8Array(0) }))).toBe(
      '010a0a',
    )
  })

  it('the time-sync response answers the request counter with 24 bytes (mono + wall clock)', () => {
    const request = byStep('time_sync_c2s', 20)
    const msg = decodeApp(hex(byStep('time_sync_c2s', 21).plaintext!))
    expect(msg).toMatchObject({ type: 'time-sync-response', requestCounter: u64(request.counter) })
    expect(msg).toHaveProperty('wallUs')
    expect(msg).not.toHaveProperty('taiUs')
  })
})
