import { toHex } from '@pavillion/test-vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CoreTarget,
  decodeAlertBody,
  decodeApp,
  decodeNfcBody,
  decodeTagBody,
  decodeTagValueBody,
  decodeTextBody,
  encodeAlertBody,
  encodeApp,
  encodeNfcBody,
  encodeTagBody,
  encodeTagValueBody,
  encodeTextBody,
  InvalidArgumentError,
  type TagBody,
} from '../src/index.ts'
import { decodesOrRejects, expectWireError, i64, someBytes, text, u8 } from './helpers.ts'

const f32 = fc.float()

describe('core targets', () => {
  it('are the reserved core.* strings of §13', () => {
    expect(Object.values(CoreTarget).sort()).toEqual([
      'core.alert',
      'core.error',
      'core.nfc',
      'core.print',
      'core.tag',
      'core.tagv',
    ])
  })

  it('travel as ordinary reliable messages', () => {
    const msg = {
      type: 'reliable' as const,
      target: CoreTarget.Alert,
      name: 'overheat',
      body: encodeAlertBody(true),
    }
    expect(decodeApp(encodeApp(msg))).toEqual(msg)
  })
})

describe('core.alert', () => {
  it('is one byte: 1 abnormal, 0 normal', () => {
    expect(encodeAlertBody(true)).toEqual(Uint8Array.of(1))
    expect(decodeAlertBody(Uint8Array.of(0))).toBe(false)
    expectWireError(() => decodeAlertBody(Uint8Array.of(2)), 'BAD_VALUE', 0)
    expectWireError(() => decodeAlertBody(new Uint8Array(0)), 'TRUNCATED', 0)
    expectWireError(() => decodeAlertBody(Uint8Array.of(0, 0)), 'TOO_LONG', 1)
    expect(() => encodeAlertBody(1 as unknown as boolean)).toThrow(InvalidArgumentError)
  })
})

describe('core.tag', () => {
  const full = fc.record({
    value: f32,
    min: f32,
    max: f32,
    interval: f32,
    writable: fc.boolean(),
    timestampUs: i64,
  })

  it('round-trips the value alone (4 bytes) and a full declaration (25 bytes)', () => {
    fc.assert(
      fc.property(f32, (value) => {
        const b = encodeTagBody({ value })
        expect(b).toHaveLength(4)
        expect(decodeTagBody(b)).toEqual({ value })
      }),
    )
    fc.assert(
      fc.property(full, (tag) => {
        const b = encodeTagBody(tag)
        expect(b).toHaveLength(25)
        expect(decodeTagBody(b)).toEqual(tag)
      }),
    )
  })

  it('writes all 25 bytes as soon as one optional field is given, zero-filling the rest', () => {
    const b = encodeTagBody({ value: 1.5, writable: true })
    expect(toHex(b)).toBe(`0000c03f${'00'.repeat(12)}01${'00'.repeat(8)}`)
    expect(decodeTagBody(b)).toEqual({
      value: 1.5,
      min: 0,
      max: 0,
      interval: 0,
      writable: true,
      timestampUs: 0n,
    })
  })

  it('decodes 4, 8, 12, 16 and 17-byte prefixes to the fields present', () => {
    const b = encodeTagBody({ value: 1, min: 2, max: 3, interval: 4, writable: true, timestampUs: -5n })
    const expected: TagBody[] = [
      { value: 1 },
      { value: 1, min: 2 },
      { value: 1, min: 2, max: 3 },
      { value: 1, min: 2, max: 3, interval: 4 },
      { value: 1, min: 2, max: 3, interval: 4, writable: true },
    ]
    ;[4, 8, 12, 16, 17].forEach((n, i) => void expect(decodeTagBody(b.subarray(0, n))).toEqual(expected[i]))
  })

  it('rejects lengths that end inside a field (BAD_LENGTH at that field) and ignores reserved bytes past 25', () => {
    const b = encodeTagBody({ value: 1, timestampUs: 7n })
    expectWireError(() => decodeTagBody(b.subarray(0, 3)), 'TRUNCATED', 0)
    expectWireError(() => decodeTagBody(b.subarray(0, 6)), 'BAD_LENGTH', 4)
    expectWireError(() => decodeTagBody(b.subarray(0, 20)), 'BAD_LENGTH', 17)
    expect(decodeTagBody(Uint8Array.of(...b, 9, 9))).toEqual(decodeTagBody(b))
    // flag bits other than bit 0 are reserved
    const flags = b.slice()
    flags[16] = 0xfe
    expect(decodeTagBody(flags).writable).toBe(false)
  })

  it('rounds values to binary32 and rejects finite values beyond its range', () => {
    expect(decodeTagBody(encodeTagBody({ value: 0.1 })).value).toBe(Math.fround(0.1))
    expect(decodeTagBody(encodeTagBody({ value: Number.NEGATIVE_INFINITY })).value).toBe(
      Number.NEGATIVE_INFINITY,
    )
    expect(() => encodeTagBody({ value: 1e39 })).toThrow(InvalidArgumentError)
    expect(() => encodeTagBody({ value: 1, timestampUs: 2n ** 63n })).toThrow(InvalidArgumentError)
  })
})

describe('core.tagv', () => {
  it('round-trips value and signed timestamp in 12 bytes', () => {
    fc.assert(
      fc.property(f32, i64, (value, timestampUs) => {
        const b = encodeTagValueBody({ value, timestampUs })
        expect(b).toHaveLength(12)
        expect(decodeTagValueBody(b)).toEqual({ value, timestampUs })
      }),
    )
  })

  it('requires 12 bytes and ignores reserved bytes after them', () => {
    expectWireError(() => decodeTagValueBody(new Uint8Array(11)), 'TRUNCATED', 4)
    expect(decodeTagValueBody(new Uint8Array(16))).toEqual({ value: 0, timestampUs: 0n })
    expect(toHex(encodeTagValueBody({ value: 2, timestampUs: -1n }))).toBe(`00000040${'ff'.repeat(8)}`)
  })
})

describe('core.nfc, core.print, core.error', () => {
  it('nfc is a reader index then the UID', () => {
    fc.assert(
      fc.property(
        u8,
        someBytes(10),
        (reader, uid) => void expect(decodeNfcBody(encodeNfcBody({ reader, uid }))).toEqual({ reader, uid }),
      ),
    )
    expectWireError(() => decodeNfcBody(new Uint8Array(0)), 'TRUNCATED', 0)
  })

  it('print and error bodies are UTF-8 text', () => {
    fc.assert(fc.property(text, (t) => void expect(decodeTextBody(encodeTextBody(t))).toBe(t)))
    expectWireError(() => decodeTextBody(Uint8Array.of(0xe2, 0x82)), 'BAD_UTF8', 0)
  })

  it('every body decoder returns a value or throws WireDecodeError on random bytes', () => {
    fc.assert(
      fc.property(someBytes(40), (b) => {
        const decoders: ((b: Uint8Array) => unknown)[] = [
          decodeAlertBody,
          decodeTagBody,
          decodeTagValueBody,
          decodeNfcBody,
          decodeTextBody,
        ]
        for (const decode of decoders) decodesOrRejects(decode, b)
      }),
      { numRuns: 500 },
    )
  })
})
