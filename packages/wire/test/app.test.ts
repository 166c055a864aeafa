import { toHex } from '@pavillion/test-vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AppMessage,
  AppOpcode,
  decodeApp,
  decodeMessagePayload,
  encodeApp,
  encodeMessagePayload,
  InvalidArgumentError,
  MAX_PLAINTEXT_SIZE,
} from '../src/index.ts'
import {
  appMessages,
  bytes,
  concat,
  decodesOrRejects,
  expectWireError,
  line,
  mutations,
  someBytes,
  u8,
} from './helpers.ts'

const utf8 = (s: string) => new TextEncoder().encode(s)
const types = Object.keys(appMessages) as AppMessage['type'][]

describe.each(types)('app message %s', (type) => {
  it('round-trips: decodeApp(encodeApp(x)) deep-equals x', () => {
    fc.assert(fc.property(appMessages[type], (msg) => void expect(decodeApp(encodeApp(msg))).toEqual(msg)))
  })

  it('survives truncation, extension and bit flips of valid plaintexts (value or WireDecodeError)', () => {
    fc.assert(
      fc.property(
        appMessages[type].chain((msg) => mutations(encodeApp(msg))),
        (b) => void decodesOrRejects(decodeApp, b),
      ),
    )
  })
})

describe('app encoding is canonical', () => {
  // Every opcode whose payload layout has a single encoding: whatever decodes re-encodes to the same bytes.
  const canonical = [1, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 16, 18, 20, 21, 0, 11, 15, 17, 19, 22, 200, 255]
  it.each(canonical)('opcode %i: encodeApp(decodeApp(b)) equals b whenever b decodes', (opcode) => {
    fc.assert(
      fc.property(
        fc.oneof(
          someBytes(40),
          line.map(utf8),
          fc.constantFrom(...[2, 4, 6, 8, 16, 24, 32].map((n) => new Uint8Array(n))),
        ),
        (payload) => {
          const plaintext = concat(Uint8Array.of(opcode), payload)
          const msg = decodesOrRejects(decodeApp, plaintext)
          if ('type' in msg) expect(encodeApp(msg)).toEqual(plaintext)
        },
      ),
    )
  })

  it('opcode 2: 8- and 11-byte ack payloads are canonical; 9, 10 and >11 bytes decode leniently', () => {
    fc.assert(
      fc.property(someBytes(20), (payload) => {
        const plaintext = concat(Uint8Array.of(2), payload)
        const msg = decodesOrRejects(decodeApp, plaintext)
        if (payload.length < 8) return void expect(msg).toMatchObject({ reason: 'TRUNCATED', offset: 1 })
        const again = encodeApp(msg as AppMessage)
        expect(again).toEqual(plaintext.subarray(0, payload.length >= 11 ? 12 : 9))
      }),
    )
  })
})

describe('reliable / unreliable messages (opcodes 1 and 3)', () => {
  it('encode as opcode ‖ target ‖ 0A ‖ name ‖ 0A ‖ body', () => {
    const out = encodeApp({ type: 'reliable', target: 'T', name: 'hello', body: utf8('x') })
    expect(toHex(out)).toBe('01540a68656c6c6f0a78')
    expect(encodeApp({ type: 'unreliable', target: 'T', name: 'hello', body: utf8('x') })[0]).toBe(3)
  })

  it('split on the first two newlines only: the body may contain newlines', () => {
    const msg = decodeApp(concat(Uint8Array.of(1), utf8('a\nb\nc\nd\n')))
    expect(msg).toEqual({ type: 'reliable', target: 'a', name: 'b', body: utf8('c\nd\n') })
  })

  it('encode multi-byte, astral and BOM-prefixed text byte-exact and decode it back', () => {
    const msg: AppMessage = { type: 'reliable', target: '\ufeffcafé', name: 'ß🙂', body: new Uint8Array(0) }
    const out = encodeApp(msg)
    expect(out).toEqual(concat(Uint8Array.of(1), utf8('\ufeffcafé\nß🙂\n')))
    expect(decodeApp(out)).toEqual(msg)
  })

  it('require both separators (MISSING_SEPARATOR at the field lacking one)', () => {
    expectWireError(() => decodeApp(Uint8Array.of(1)), 'MISSING_SEPARATOR', 1)
    expectWireError(() => decodeApp(concat(Uint8Array.of(1), utf8('target'))), 'MISSING_SEPARATOR', 1)
    expectWireError(() => decodeApp(concat(Uint8Array.of(3), utf8('t\nname'))), 'MISSING_SEPARATOR', 3)
  })

  it('reject invalid UTF-8 in target or name with BAD_UTF8 at the field, but accept any body bytes', () => {
    expectWireError(() => decodeApp(Uint8Array.of(1, 0xff, 0x0a, 0x0a)), 'BAD_UTF8', 1)
    expectWireError(() => decodeApp(Uint8Array.of(1, 0x41, 0x0a, 0xc3, 0x0a)), 'BAD_UTF8', 3)
    expect(decodeApp(Uint8Array.of(1, 0x0a, 0x0a, 0xff, 0xfe))).toMatchObject({
      body: Uint8Array.of(0xff, 0xfe),
    })
  })

  it('return the body as a subarray of the plaintext', () => {
    const plaintext = concat(Uint8Array.of(1), utf8('t\nn\nbody'))
    const msg = decodeApp(plaintext)
    if (msg.type !== 'reliable') throw new Error('type')
    expect(msg.body.buffer).toBe(plaintext.buffer)
    expect(msg.body.byteOffset).toBe(5)
  })

  it('reject a newline in target or name, lone surrogates and wrong types when encoding', () => {
    const body = new Uint8Array(0)
    expect(() => encodeApp({ type: 'reliable', target: 'a\nb', name: '', body })).toThrow(
      InvalidArgumentError,
    )
    expect(() => encodeApp({ type: 'reliable', target: '', name: 'x\n', body })).toThrow(
      /"name" must not contain U\+000a/,
    )
    expect(() => encodeApp({ type: 'reliable', target: '\ud800', name: '', body })).toThrow(/lone surrogate/)
    expect(() => encodeApp({ type: 'reliable', target: 'a\udc00', name: '', body })).toThrow(
      InvalidArgumentError,
    )
    expect(() => encodeApp({ type: 'reliable', target: 5 as unknown as string, name: '', body })).toThrow(
      new InvalidArgumentError('"target" expected string, got type=number'),
    )
    expect(() =>
      encodeApp({ type: 'reliable', target: '', name: '', body: 'x' as unknown as Uint8Array }),
    ).toThrow(InvalidArgumentError)
  })

  it(`reject plaintexts over ${MAX_PLAINTEXT_SIZE} bytes (they could not be sent)`, () => {
    const fits = new Uint8Array(MAX_PLAINTEXT_SIZE - 3)
    expect(encodeApp({ type: 'reliable', target: '', name: '', body: fits })).toHaveLength(MAX_PLAINTEXT_SIZE)
    expect(() =>
      encodeApp({ type: 'reliable', target: '', name: '', body: new Uint8Array(fits.length + 1) }),
    ).toThrow(InvalidArgumentError)
    expectWireError(
      () => decodeApp(new Uint8Array(MAX_PLAINTEXT_SIZE + 1).fill(1)),
      'TOO_LONG',
      MAX_PLAINTEXT_SIZE,
    )
  })

  it('encodeMessagePayload / decodeMessagePayload handle the payload without the opcode', () => {
    fc.assert(
      fc.property(line, line, someBytes(), (target, name, body) => {
        const payload = encodeMessagePayload(target, name, body)
        expect(payload).toEqual(encodeApp({ type: 'reliable', target, name, body }).subarray(1))
        expect(decodeMessagePayload(payload)).toEqual({ target, name, body })
      }),
    )
    expect(toHex(encodeMessagePayload('', '', new Uint8Array(0)))).toBe('0a0a')
    expect(() => encodeMessagePayload('a\n', '', new Uint8Array(0))).toThrow(InvalidArgumentError)
    expectWireError(() => decodeMessagePayload(utf8('no separators')), 'MISSING_SEPARATOR', 0)
  })
})

describe('ack (opcode 2)', () => {
  it('encodes a bare 8-byte counter, or counter ‖ status when given', () => {
    expect(toHex(encodeApp({ type: 'ack', counter: 0x0102030405060708n }))).toBe('020807060504030201')
    expect(toHex(encodeApp({ type: 'ack', counter: 1n, status: Uint8Array.of(0xb2, 0x46, 0x19) }))).toBe(
      '020100000000000000b24619',
    )
  })

  it('decodes status only from 11 payload bytes on, ignoring anything beyond', () => {
    const base = concat(Uint8Array.of(2), new Uint8Array(8).fill(0xff))
    expect(decodeApp(base)).toEqual({ type: 'ack', counter: 2n ** 64n - 1n })
    expect(decodeApp(concat(base, Uint8Array.of(1, 2)))).not.toHaveProperty('status')
    expect(decodeApp(concat(base, Uint8Array.of(1, 2, 3, 4, 5)))).toEqual({
      type: 'ack',
      counter: 2n ** 64n - 1n,
      status: Uint8Array.of(1, 2, 3),
    })
  })

  it('rejects payloads shorter than 8 bytes with TRUNCATED at 1', () => {
    for (let n = 0; n < 8; n++)
      expectWireError(() => decodeApp(concat(Uint8Array.of(2), new Uint8Array(n))), 'TRUNCATED', 1)
  })

  it('validates counter range and status length', () => {
    expect(() => encodeApp({ type: 'ack', counter: 2n ** 64n })).toThrow(InvalidArgumentError)
    expect(() => encodeApp({ type: 'ack', counter: 1n, status: new Uint8Array(2) })).toThrow(
      '"status" expected Uint8Array of length 3, got length=2',
    )
  })
})

describe('RPC call and response (opcodes 4 and 5)', () => {
  it('encode the function number and status as u16 little-endian', () => {
    expect(toHex(encodeApp({ type: 'rpc-call', fn: 0xe703, args: new Uint8Array(0) }))).toBe('0403e7')
    expect(
      toHex(encodeApp({ type: 'rpc-response', callCounter: 5n, status: 257, data: Uint8Array.of(0xaa) })),
    ).toBe('0505000000000000000101aa')
  })

  it('reject truncated headers: call under 2 bytes, response under 10', () => {
    expectWireError(() => decodeApp(Uint8Array.of(4, 0x91)), 'TRUNCATED', 1)
    expectWireError(() => decodeApp(concat(Uint8Array.of(5), new Uint8Array(9))), 'TRUNCATED', 1)
    expect(decodeApp(concat(Uint8Array.of(5), new Uint8Array(10)))).toEqual({
      type: 'rpc-response',
      callCounter: 0n,
      status: 0,
      data: new Uint8Array(0),
    })
  })

  it('validate fn and status as u16 and the call counter as u64', () => {
    expect(() => encodeApp({ type: 'rpc-call', fn: 65536, args: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    )
    expect(() => encodeApp({ type: 'rpc-call', fn: 1.5, args: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    )
    expect(() =>
      encodeApp({ type: 'rpc-response', callCounter: 1n, status: -1, data: new Uint8Array(0) }),
    ).toThrow(InvalidArgumentError)
    expect(() =>
      encodeApp({
        type: 'rpc-response',
        callCounter: 1,
        status: 0,
        data: new Uint8Array(0),
      } as unknown as AppMessage),
    ).toThrow(InvalidArgumentError)
  })
})

describe('other app messages', () => {
  it('quit encodes as the bare opcode, or with a u16 reason, and decodes a 2-byte reason', () => {
    expect(encodeApp({ type: 'quit' })).toEqual(Uint8Array.of(12))
    expect(encodeApp({ type: 'quit', reason: 0x0201 })).toEqual(Uint8Array.of(12, 1, 2))
    expect(() => encodeApp({ type: 'quit', reason: 0x10000 })).toThrow(InvalidArgumentError)
    expect(decodeApp(Uint8Array.of(12))).toEqual({ type: 'quit' })
    expect(decodeApp(Uint8Array.of(12, 7))).toEqual({ type: 'quit' })
    expect(decodeApp(Uint8Array.of(12, 0, 0))).toEqual({ type: 'quit', reason: 0 })
    expect(decodeApp(Uint8Array.of(12, 1, 0, 9))).toEqual({ type: 'quit', reason: 1 })
  })

  it('subscribe/unsubscribe carry the UTF-8 target; a newline in it is BAD_VALUE', () => {
    expect(toHex(encodeApp({ type: 'subscribe', target: 'T' }))).toBe('0d54')
    expect(decodeApp(Uint8Array.of(14, 0x54))).toEqual({ type: 'unsubscribe', target: 'T' })
    expect(decodeApp(Uint8Array.of(13))).toEqual({ type: 'subscribe', target: '' })
    expectWireError(() => decodeApp(Uint8Array.of(13, 0x41, 0x0a)), 'BAD_VALUE', 2)
    expectWireError(() => decodeApp(Uint8Array.of(13, 0xc0, 0x80)), 'BAD_UTF8', 1)
    expect(() => encodeApp({ type: 'subscribe', target: 'a\nb' })).toThrow(InvalidArgumentError)
  })

  it('client accept needs exactly 8 payload bytes', () => {
    expect(decodeApp(concat(Uint8Array.of(16), Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0)))).toEqual({
      type: 'client-accept',
      serverMonotonicUs: 1n,
    })
    expectWireError(() => decodeApp(concat(Uint8Array.of(16), new Uint8Array(7))), 'TRUNCATED', 1)
    expectWireError(() => decodeApp(concat(Uint8Array.of(16), new Uint8Array(9))), 'TOO_LONG', 9)
  })

  it('time-sync request has an empty payload', () => {
    expect(encodeApp({ type: 'time-sync-request' })).toEqual(Uint8Array.of(20))
    expectWireError(() => decodeApp(Uint8Array.of(20, 0)), 'TOO_LONG', 1)
  })

  it('time-sync response accepts 16, 24 and 32 bytes only', () => {
    for (const n of [16, 24, 32])
      expect(decodeApp(concat(Uint8Array.of(21), new Uint8Array(n))).type).toBe('time-sync-response')
    expectWireError(() => decodeApp(concat(Uint8Array.of(21), new Uint8Array(15))), 'TRUNCATED', 1)
    for (const n of [17, 20, 25, 33])
      expectWireError(() => decodeApp(concat(Uint8Array.of(21), new Uint8Array(n))), 'BAD_LENGTH', 1)
    expect(decodeApp(concat(Uint8Array.of(21), new Uint8Array(16)))).not.toHaveProperty('wallUs')
  })

  it('time-sync response cannot carry TAI without wall clock', () => {
    expect(() =>
      encodeApp({ type: 'time-sync-response', requestCounter: 1n, monotonicUs: 2n, taiUs: 3n }),
    ).toThrow(InvalidArgumentError)
  })

  it('register read accepts 2, 4 or 6 bytes; length needs offset', () => {
    expect(decodeApp(Uint8Array.of(6, 1, 0))).toEqual({ type: 'register-read', register: 1 })
    expect(decodeApp(Uint8Array.of(6, 1, 0, 2, 0, 3, 0))).toEqual({
      type: 'register-read',
      register: 1,
      offset: 2,
      length: 3,
    })
    expectWireError(() => decodeApp(Uint8Array.of(6, 1)), 'TRUNCATED', 1)
    expectWireError(() => decodeApp(Uint8Array.of(6, 1, 0, 2)), 'BAD_LENGTH', 1)
    expectWireError(() => decodeApp(new Uint8Array(8).fill(6)), 'BAD_LENGTH', 1)
    expect(() => encodeApp({ type: 'register-read', register: 1, length: 3 })).toThrow(InvalidArgumentError)
  })

  it('observe and register-info-request are fixed-size; declaration and info carry the rest', () => {
    expectWireError(() => decodeApp(Uint8Array.of(8, 0, 0, 0, 0, 0, 0, 0)), 'TOO_LONG', 7)
    expectWireError(() => decodeApp(Uint8Array.of(9, 0, 0, 0)), 'TOO_LONG', 3)
    expect(decodeApp(Uint8Array.of(7, 1, 0, 2, 0, 9, 9))).toEqual({
      type: 'register-declaration',
      register: 1,
      offset: 2,
      value: Uint8Array.of(9, 9),
    })
    expect(decodeApp(concat(Uint8Array.of(10, 5, 0), utf8('temp, f32, r, °C')))).toEqual({
      type: 'register-info',
      register: 5,
      info: 'temp, f32, r, °C',
    })
    expectWireError(() => decodeApp(Uint8Array.of(10, 5, 0, 0xff)), 'BAD_UTF8', 3)
  })

  it('binary data update needs 3 status bytes', () => {
    expect(decodeApp(Uint8Array.of(18, 1, 2, 3, 4))).toEqual({
      type: 'binary-data-update',
      status: Uint8Array.of(1, 2, 3),
      records: Uint8Array.of(4),
    })
    expectWireError(() => decodeApp(Uint8Array.of(18, 1, 2)), 'TRUNCATED', 1)
  })
})

describe('unknown opcodes and dispatch', () => {
  it.each([0, 11, 15, 17, 19, 22, 99, 255])(
    'opcode %i decodes to an unknown message, not an error',
    (opcode) => {
      expect(decodeApp(Uint8Array.of(opcode, 7, 8))).toEqual({
        type: 'unknown',
        opcode,
        payload: Uint8Array.of(7, 8),
      })
    },
  )

  it('every defined opcode decodes to its own type', () => {
    for (const [name, opcode] of Object.entries(AppOpcode)) {
      const msg = decodesOrRejects(decodeApp, Uint8Array.of(opcode))
      if ('type' in msg) expect(msg.type, name).not.toBe('unknown')
    }
  })

  it('encoding an unknown message with a defined opcode is an InvalidArgumentError (it would decode differently)', () => {
    expect(() => encodeApp({ type: 'unknown', opcode: 1, payload: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    )
    expect(() => encodeApp({ type: 'unknown', opcode: 256, payload: new Uint8Array(0) })).toThrow(
      InvalidArgumentError,
    )
  })

  it('an empty plaintext is TRUNCATED at 0; a non-array is an InvalidArgumentError', () => {
    expectWireError(() => decodeApp(new Uint8Array(0)), 'TRUNCATED', 0)
    expect(() => decodeApp(undefined as unknown as Uint8Array)).toThrow(InvalidArgumentError)
  })

  it('encoding an unknown message type is an InvalidArgumentError', () => {
    expect(() => encodeApp({ type: 'bogus' } as unknown as AppMessage)).toThrow(
      new InvalidArgumentError(`"type" expected a known app message type, got 'bogus'`),
    )
    expect(() => encodeApp({} as unknown as AppMessage)).toThrow(InvalidArgumentError)
  })

  it('random plaintexts decode to a message or throw WireDecodeError, never anything else', () => {
    fc.assert(
      fc.property(
        u8,
        someBytes(48),
        (opcode, payload) => void decodesOrRejects(decodeApp, concat(Uint8Array.of(opcode), payload)),
      ),
      { numRuns: 2000 },
    )
  })

  it('decoding never mutates its input, even when decoding fails', () => {
    fc.assert(fc.property(bytes(12), (b) => void decodesOrRejects(decodeApp, b)))
  })
})
