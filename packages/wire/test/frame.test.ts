import { hex, loadVectors, toHex, u64 } from '@pavillion/test-vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeFrame,
  decodePlaintextFrame,
  decodeSetup,
  encodeSecureFrame,
  encodeSetupFrame,
  InvalidArgumentError,
  MAX_DATAGRAM_SIZE,
  readCounter,
  SECURE_MAGIC,
  type WireDecodeReason,
} from '../src/index.ts'
import {
  bytes,
  concat,
  counter,
  decodesOrRejects,
  expectWireError,
  mutations,
  someBytes,
  u8,
} from './helpers.ts'

const codec = loadVectors('codec')
const header = (counterHex: string) => hex(`506176696c6c696f6e5330${counterHex}`)

describe('decodeFrame', () => {
  it.each(
    codec.headers as {
      label: string
      hex: string
      counter: string
      kind: string
      opcode?: number
      payload_hex?: string
      box_hex?: string
    }[],
  )('codec.json header "$label" decodes to its recorded fields and re-encodes byte-identical', (h) => {
    const datagram = hex(h.hex)
    const frame = decodeFrame(datagram)
    expect(frame.kind).toBe(h.kind)
    expect(readCounter(datagram)).toBe(u64(h.counter))
    if (frame.kind === 'setup') {
      // payload_hex in codec.json includes the opcode byte's data only (after the opcode)
      expect(frame.opcode).toBe(h.opcode)
      expect(toHex(frame.data)).toBe(h.payload_hex)
      expect(toHex(encodeSetupFrame(frame.opcode, frame.data))).toBe(h.hex)
    } else {
      expect(frame.counter).toBe(u64(h.counter))
      expect(toHex(frame.box)).toBe(h.box_hex)
      expect(toHex(encodeSecureFrame(frame.counter, frame.box))).toBe(h.hex)
    }
  })

  it.each(['unicast_server', 'multicast_server'])(
    'every %s announcement is a 20-byte setup opcode 5',
    (kind) => {
      const list = codec.announcements[kind] as { hex: string }[]
      expect(list).toHaveLength(3)
      for (const a of list) {
        expect(decodeFrame(hex(a.hex))).toEqual({ kind: 'setup', opcode: 5, data: new Uint8Array(0) })
      }
    },
  )

  it('returns byte fields as subarrays of the datagram, without copying or mutating it', () => {
    const datagram = concat(header('0500000000000080'), new Uint8Array(20).fill(7))
    const before = datagram.slice()
    const frame = decodeFrame(datagram)
    expect(frame.kind).toBe('secure')
    if (frame.kind !== 'secure') return
    expect(frame.box.buffer).toBe(datagram.buffer)
    expect(frame.box.byteOffset).toBe(19)
    expect(datagram).toEqual(before)
  })

  it('reads the counter little-endian across the full u64 range', () => {
    const frame = decodeFrame(concat(header('0102030405060708'), new Uint8Array(17)))
    expect(frame).toMatchObject({ kind: 'secure', counter: 0x0807060504030201n })
  })

  it('decodes a datagram inside a larger buffer (non-zero byteOffset)', () => {
    const inner = concat(header('2a00000000000000'), new Uint8Array(17).fill(1))
    const big = concat(new Uint8Array(5), inner, new Uint8Array(3))
    const frame = decodeFrame(big.subarray(5, 5 + inner.length))
    expect(frame).toMatchObject({ kind: 'secure', counter: 42n })
  })

  it('accepts exactly MAX_DATAGRAM_SIZE bytes and rejects one more with TOO_LONG', () => {
    const max = concat(header('0100000000000000'), new Uint8Array(MAX_DATAGRAM_SIZE - 19))
    expect(decodeFrame(max).kind).toBe('secure')
    expectWireError(() => decodeFrame(concat(max, new Uint8Array(1))), 'TOO_LONG', MAX_DATAGRAM_SIZE)
  })

  it('rejects a secure box of 16 bytes (tag without opcode) with BAD_LENGTH at 19', () => {
    expectWireError(
      () => decodeFrame(concat(header('0100000000000000'), new Uint8Array(16))),
      'BAD_LENGTH',
      19,
    )
    expect(decodeFrame(concat(header('0100000000000000'), new Uint8Array(17))).kind).toBe('secure')
  })

  it('rejects a setup datagram without opcode with TRUNCATED at 19, and keeps an empty data field otherwise', () => {
    expectWireError(() => decodeFrame(header('0000000000000000')), 'TRUNCATED', 19)
    expect(decodeFrame(concat(header('0000000000000000'), Uint8Array.of(99)))).toEqual({
      kind: 'setup',
      opcode: 99,
      data: new Uint8Array(0),
    })
  })

  it('points BAD_MAGIC at the first differing byte, even in a datagram shorter than the magic', () => {
    expectWireError(() => decodeFrame(Uint8Array.of(0x50, 0x61, 0x77)), 'BAD_MAGIC', 2)
    expectWireError(() => decodeFrame(Uint8Array.of(0)), 'BAD_MAGIC', 0)
  })

  it('reports TRUNCATED at the magic (0) or the counter (11) for short datagrams with a correct prefix', () => {
    expectWireError(() => decodeFrame(SECURE_MAGIC.subarray(0, 5)), 'TRUNCATED', 0)
    expectWireError(() => decodeFrame(SECURE_MAGIC.slice()), 'TRUNCATED', 11)
  })

  it('throws InvalidArgumentError (not a decode error) when given something other than a Uint8Array', () => {
    expect(() => decodeFrame('PavillionS0' as unknown as Uint8Array)).toThrow(InvalidArgumentError)
    expect(() => decodeFrame([1, 2] as unknown as Uint8Array)).toThrow(InvalidArgumentError)
  })

  it('keeps working when a caller mutates the exported SECURE_MAGIC', () => {
    const datagram = concat(header('0000000000000000'), Uint8Array.of(4))
    const saved = SECURE_MAGIC[0]!
    SECURE_MAGIC[0] = 0
    try {
      expect(decodeFrame(datagram)).toMatchObject({ kind: 'setup', opcode: 4 })
    } finally {
      SECURE_MAGIC[0] = saved
    }
  })
})

describe('codec.json malformed datagrams', () => {
  type Case = { name: string; hex: string }
  const cases = codec.malformed as Case[]
  const wireLevel: Record<string, [WireDecodeReason, number]> = {
    empty: ['TRUNCATED', 0],
    c_empty: ['TRUNCATED', 0],
    magic_only: ['TRUNCATED', 11],
    truncated_counter: ['TRUNCATED', 11],
    counter0_no_opcode: ['TRUNCATED', 19],
    wrong_magic: ['BAD_MAGIC', 9],
    plaintext_protocol_magic: ['BAD_MAGIC', 9],
    secure_too_short_for_mac: ['BAD_LENGTH', 19],
    secure_empty_plaintext: ['BAD_LENGTH', 19],
  }

  it('covers every recorded case', () => {
    expect(cases).toHaveLength(32)
    for (const name of Object.keys(wireLevel)) expect(cases.map((c) => c.name)).toContain(name)
  })

  // setup frames whose data is malformed: decodeFrame succeeds, decodeSetup rejects
  const setupLevel: Record<string, [WireDecodeReason, number]> = {
    nonce_request_truncated: ['TRUNCATED', 17],
    counter0_unknown_opcode: ['UNKNOWN_OPCODE', 0],
    c_counter0_unknown_opcode: ['UNKNOWN_OPCODE', 0],
    c_ecc_nonce_to_psk_client: ['TRUNCATED', 24],
  }

  it.each(cases)('$name: decodes to a frame or throws WireDecodeError', (c) => {
    const result = decodesOrRejects(decodeFrame, hex(c.hex))
    const expected = wireLevel[c.name]
    if (expected)
      return void expect(result).toMatchObject({
        code: 'ERR_DECODE',
        reason: expected[0],
        offset: expected[1],
      })
    expect(result).toHaveProperty('kind')
    if (!('kind' in result) || result.kind !== 'setup') return
    const msg = decodesOrRejects((d) => decodeSetup(result.opcode, d), result.data)
    const setupError = setupLevel[c.name]
    if (setupError) expect(msg).toMatchObject({ reason: setupError[0], offset: setupError[1] })
    else expect(msg).toHaveProperty('type')
  })

  it("nonce_request_unknown_cipher decodes with suite 9 (rejecting it is the engine's job)", () => {
    const c = cases.find((m) => m.name === 'nonce_request_unknown_cipher')!
    const frame = decodeFrame(hex(c.hex))
    if (frame.kind !== 'setup') throw new Error('not setup')
    expect(decodeSetup(frame.opcode, frame.data)).toMatchObject({ type: 'nonce-request', suite: 9 })
  })
})

describe('encodeSetupFrame / encodeSecureFrame', () => {
  it('round-trips any setup opcode and data', () => {
    fc.assert(
      fc.property(u8, someBytes(200), (opcode, data) => {
        const datagram = encodeSetupFrame(opcode, data)
        expect(datagram.length).toBe(20 + data.length)
        expect(decodeFrame(datagram)).toEqual({ kind: 'setup', opcode, data })
      }),
    )
  })

  it('round-trips any non-zero counter and box of at least 17 bytes', () => {
    fc.assert(
      fc.property(counter, fc.uint8Array({ minLength: 17, maxLength: 200 }), (c, box) => {
        const datagram = encodeSecureFrame(c, box)
        expect(datagram.length).toBe(19 + box.length)
        expect(decodeFrame(datagram)).toEqual({ kind: 'secure', counter: c, box })
        expect(readCounter(datagram)).toBe(c)
      }),
    )
  })

  it('re-encodes every decodable datagram byte-identical (the framing is canonical)', () => {
    fc.assert(
      fc.property(fc.oneof(counter, fc.constant(0n)), someBytes(80), (c, body) => {
        const datagram = concat(SECURE_MAGIC, new Uint8Array(8), body)
        new DataView(datagram.buffer).setBigUint64(11, c, true)
        const frame = decodesOrRejects(decodeFrame, datagram)
        if (!('kind' in frame)) return
        const again =
          frame.kind === 'setup'
            ? encodeSetupFrame(frame.opcode, frame.data)
            : encodeSecureFrame(frame.counter, frame.box)
        expect(again).toEqual(datagram)
      }),
    )
  })

  it('rejects counter 0, negative and > 2^64−1 counters with InvalidArgumentError, and numbers with InvalidArgumentError', () => {
    const box = new Uint8Array(17)
    expect(() => encodeSecureFrame(0n, box)).toThrow(InvalidArgumentError)
    expect(() => encodeSecureFrame(-1n, box)).toThrow(InvalidArgumentError)
    expect(() => encodeSecureFrame(2n ** 64n, box)).toThrow(InvalidArgumentError)
    expect(() => encodeSecureFrame(1 as unknown as bigint, box)).toThrow(InvalidArgumentError)
    expect(() => encodeSecureFrame(2n ** 64n - 1n, box)).not.toThrow()
  })

  it('rejects boxes shorter than 17 bytes and datagrams over 4096 bytes with InvalidArgumentError', () => {
    expect(() => encodeSecureFrame(1n, new Uint8Array(16))).toThrow(
      '"box" expected Uint8Array of length >= 17, got length=16',
    )
    expect(() => encodeSecureFrame(1n, new Uint8Array(4096 - 19 + 1))).toThrow(InvalidArgumentError)
    expect(encodeSecureFrame(1n, new Uint8Array(4096 - 19))).toHaveLength(4096)
    expect(() => encodeSetupFrame(1, new Uint8Array(4096 - 20 + 1))).toThrow(InvalidArgumentError)
  })

  it('rejects a non-u8 opcode and non-Uint8Array data', () => {
    expect(() => encodeSetupFrame(256, new Uint8Array(0))).toThrow(InvalidArgumentError)
    expect(() => encodeSetupFrame(1.5, new Uint8Array(0))).toThrow(InvalidArgumentError)
    expect(() => encodeSetupFrame(1, 'data' as unknown as Uint8Array)).toThrow(
      '"data" expected Uint8Array, got type=string',
    )
  })
})

describe('readCounter', () => {
  it('peeks at the counter of setup and secure datagrams', () => {
    expect(readCounter(hex('506176696c6c696f6e5330000000000000000004'))).toBe(0n)
    expect(readCounter(hex('506176696c6c696f6e5330ffffffffffffffff'))).toBe(2n ** 64n - 1n)
  })

  it('returns undefined (never throws) for short, foreign or non-array input', () => {
    expect(readCounter(new Uint8Array(0))).toBeUndefined()
    expect(readCounter(hex('506176696c6c696f6e533000000000000000'))).toBeUndefined()
    expect(readCounter(hex('506176696c6c696f6e543000000000000000000101'))).toBeUndefined()
    expect(readCounter(undefined as unknown as Uint8Array)).toBeUndefined()
    fc.assert(
      fc.property(someBytes(40), (b) => readCounter(b) === undefined || typeof readCounter(b) === 'bigint'),
    )
  })
})

describe('decodePlaintextFrame', () => {
  it('decodes the codec.json "Pavillion0" datagram: counter at 10, opcode at 18, data from 19', () => {
    const c = (codec.malformed as { name: string; hex: string }[]).find(
      (m) => m.name === 'plaintext_protocol_magic',
    )!
    const frame = decodePlaintextFrame(hex(c.hex))
    expect(frame.counter).toBe(1n)
    expect(frame.opcode).toBe(1)
    expect(new TextDecoder().decode(frame.data)).toBe('T\nN\nplain')
  })

  it('rejects secure datagrams (BAD_MAGIC at 9), truncated headers and oversize input', () => {
    expectWireError(
      () => decodePlaintextFrame(hex('506176696c6c696f6e5330000000000000000004')),
      'BAD_MAGIC',
      9,
    )
    expectWireError(() => decodePlaintextFrame(hex('506176696c6c696f6e300100000000000000')), 'TRUNCATED', 18)
    expectWireError(() => decodePlaintextFrame(hex('506176696c6c696f6e30010000')), 'TRUNCATED', 10)
    expectWireError(() => decodePlaintextFrame(new Uint8Array(5000)), 'TOO_LONG', 4096)
  })

  it('round-trips any counter, opcode and data', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), u8, someBytes(), (c, opcode, data) => {
        const datagram = concat(hex('506176696c6c696f6e30'), new Uint8Array(8), Uint8Array.of(opcode), data)
        new DataView(datagram.buffer).setBigUint64(10, c, true)
        expect(decodePlaintextFrame(datagram)).toEqual({ counter: c, opcode, data })
      }),
    )
  })
})

describe('frame robustness', () => {
  it('random bytes never produce anything but a frame or a WireDecodeError', () => {
    fc.assert(
      fc.property(someBytes(120), (b) => void decodesOrRejects(decodeFrame, b)),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(someBytes(120), (b) => void decodesOrRejects(decodePlaintextFrame, b)),
      { numRuns: 300 },
    )
  })

  it('random bytes behind a valid magic never produce anything but a frame or a WireDecodeError', () => {
    fc.assert(
      fc.property(someBytes(60), (b) => void decodesOrRejects(decodeFrame, concat(SECURE_MAGIC, b))),
      { numRuns: 500 },
    )
  })

  it('truncated, extended and bit-flipped vector datagrams decode or throw WireDecodeError', () => {
    const valid = [
      ...(codec.headers as { hex: string }[]),
      ...(codec.malformed_base_session.transcript as { hex: string }[]),
    ]
    for (const v of valid) {
      fc.assert(
        fc.property(mutations(hex(v.hex)), (b) => void decodesOrRejects(decodeFrame, b)),
        { numRuns: 60 },
      )
    }
  })

  it('frames of 17 random box bytes at every counter edge decode as secure', () => {
    fc.assert(
      fc.property(counter, bytes(17), (c, box) => {
        expect(decodeFrame(encodeSecureFrame(c, box))).toMatchObject({ kind: 'secure', counter: c })
      }),
    )
  })
})
