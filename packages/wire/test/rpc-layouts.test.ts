import { toHex } from '@pavillion/test-vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  decodeAnalogReadResult,
  decodeDescriptorsResult,
  decodeDigitalReadResult,
  decodeFileDeleteArgs,
  decodeFileListArgs,
  decodeFileListResult,
  decodeFileReadArgs,
  decodeFileWriteArgs,
  decodeGetConfigArgs,
  decodeIdentityResult,
  decodePavTimeArgs,
  decodePavTimeResult,
  decodePinArgs,
  decodePinModeArgs,
  decodePwmWriteArgs,
  decodeSetConfigArgs,
  decodeWhatIsArgs,
  decodeWhatIsResult,
  decodeWireTransactionArgs,
  encodeAnalogReadResult,
  encodeDescriptorsResult,
  encodeDigitalReadResult,
  encodeFileDeleteArgs,
  encodeFileListArgs,
  encodeFileListResult,
  encodeFileReadArgs,
  encodeFileWriteArgs,
  encodeGetConfigArgs,
  encodeIdentityResult,
  encodePavTimeArgs,
  encodePavTimeResult,
  encodePinArgs,
  encodePinModeArgs,
  encodePwmWriteArgs,
  encodeSetConfigArgs,
  encodeWhatIsArgs,
  encodeWhatIsResult,
  encodeWireTransactionArgs,
  InvalidArgumentError,
  ReservedFunction,
} from '../src/index.ts'
import {
  bytes,
  decodesOrRejects,
  expectWireError,
  line,
  noNul,
  someBytes,
  text,
  u8,
  u16,
  u32,
  u64,
} from './helpers.ts'

const utf8 = (s: string) => new TextEncoder().encode(s)

/** Codec pairs with an arbitrary for their values: every one must round-trip and reject garbage cleanly. */
const layouts: {
  name: string
  arb: fc.Arbitrary<unknown>
  encode: (v: never) => Uint8Array
  decode: (b: Uint8Array) => unknown
  canonical: boolean
}[] = [
  { name: 'what-is args', arb: u16, encode: encodeWhatIsArgs, decode: decodeWhatIsArgs, canonical: true },
  {
    name: 'what-is result',
    arb: line,
    encode: encodeWhatIsResult,
    decode: decodeWhatIsResult,
    canonical: false,
  },
  {
    name: 'identity result',
    arb: fc.record({ vendorUuid: bytes(16), productId: bytes(16), serial: bytes(16), name: text }),
    encode: encodeIdentityResult,
    decode: decodeIdentityResult,
    canonical: true,
  },
  {
    name: 'descriptors result',
    arb: fc.array(
      fc.record({
        name: line.filter((s) => s !== '' && !s.includes(' ')),
        arguments: line,
      }),
      { maxLength: 5 },
    ),
    encode: encodeDescriptorsResult,
    decode: decodeDescriptorsResult,
    canonical: false,
  },
  {
    name: 'file read args',
    arb: fc.record({ position: u32, maxBytes: u16, path: text }),
    encode: encodeFileReadArgs,
    decode: decodeFileReadArgs,
    canonical: true,
  },
  {
    name: 'file write args',
    arb: fc.record({ position: u32, data: someBytes(), path: text }),
    encode: encodeFileWriteArgs,
    decode: decodeFileWriteArgs,
    canonical: true,
  },
  {
    name: 'file delete args',
    arb: text,
    encode: encodeFileDeleteArgs,
    decode: decodeFileDeleteArgs,
    canonical: true,
  },
  {
    name: 'file list args',
    arb: fc.record({ start: u16, path: text.map((p) => `${p}/`) }),
    encode: encodeFileListArgs,
    decode: decodeFileListArgs,
    canonical: true,
  },
  {
    name: 'file list result',
    arb: fc.array(fc.record({ type: fc.constantFrom('file' as const, 'directory' as const), name: noNul }), {
      maxLength: 6,
    }),
    encode: encodeFileListResult,
    decode: decodeFileListResult,
    canonical: false,
  },
  {
    name: 'pinMode args',
    arb: fc.record({ pin: u8, mode: u8 }),
    encode: encodePinModeArgs,
    decode: decodePinModeArgs,
    canonical: true,
  },
  {
    name: 'pwmWrite args',
    arb: fc.record({ pin: u8, value: u8 }),
    encode: encodePwmWriteArgs,
    decode: decodePwmWriteArgs,
    canonical: true,
  },
  { name: 'pin args', arb: u8, encode: encodePinArgs, decode: decodePinArgs, canonical: true },
  {
    name: 'digitalRead result',
    arb: fc.boolean(),
    encode: encodeDigitalReadResult,
    decode: decodeDigitalReadResult,
    canonical: true,
  },
  {
    name: 'analogRead result',
    arb: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    encode: encodeAnalogReadResult,
    decode: decodeAnalogReadResult,
    canonical: true,
  },
  {
    name: 'wireTransaction args',
    arb: fc.record({ address: u16, flags: u8, readLength: u8, write: someBytes() }),
    encode: encodeWireTransactionArgs,
    decode: decodeWireTransactionArgs,
    canonical: true,
  },
  {
    name: 'getConfig args',
    arb: noNul,
    encode: encodeGetConfigArgs,
    decode: decodeGetConfigArgs,
    canonical: true,
  },
  {
    name: 'setConfig args',
    arb: fc.record({ key: noNul, value: noNul }),
    encode: encodeSetConfigArgs,
    decode: decodeSetConfigArgs,
    canonical: true,
  },
  {
    name: 'PavTime args',
    arb: fc.record({ txSeconds: u64, txNanos: u32 }),
    encode: encodePavTimeArgs,
    decode: decodePavTimeArgs,
    canonical: true,
  },
  {
    name: 'PavTime result',
    arb: fc.record({ txSeconds: u64, txNanos: u32, rxSeconds: u64, rxNanos: u32, maxErrorUs: u32 }),
    encode: encodePavTimeResult,
    decode: decodePavTimeResult,
    canonical: true,
  },
]

describe.each(layouts)('RPC layout: $name', ({ arb, encode, decode, canonical }) => {
  it('round-trips: decode(encode(x)) deep-equals x', () => {
    fc.assert(fc.property(arb, (v) => void expect(decode(encode(v as never))).toEqual(v)))
  })

  it(`random bytes decode or throw WireDecodeError${canonical ? ', and what decodes re-encodes identically' : ''}`, () => {
    fc.assert(
      fc.property(someBytes(40), (b) => {
        const result = decodesOrRejects(decode, b)
        if (canonical && !(result instanceof Error)) expect(encode(result as never)).toEqual(b)
      }),
      { numRuns: 300 },
    )
  })
})

describe('RPC layouts: known answers and edge cases', () => {
  it('ReservedFunction numbers match §12', () => {
    expect(ReservedFunction).toMatchObject({
      Echo: 0,
      WhatIs: 1,
      PavTime: 5,
      FileRead: 10,
      FileList: 14,
      PinMode: 20,
      WireTransaction: 26,
    })
    expect(Object.keys(ReservedFunction)).toHaveLength(20)
  })

  it('what-is: u16 LE argument; the result keeps only its first line', () => {
    expect(toHex(encodeWhatIsArgs(401))).toBe('9101')
    expect(decodeWhatIsResult(utf8('echo\nmore lines\nignored'))).toBe('echo')
    expect(decodeWhatIsResult(new Uint8Array(0))).toBe('')
    expect(() => encodeWhatIsResult('a\nb')).toThrow(InvalidArgumentError)
    expectWireError(() => decodeWhatIsArgs(Uint8Array.of(1)), 'TRUNCATED', 0)
  })

  it('identity: three 16-byte IDs then the name', () => {
    expectWireError(() => decodeIdentityResult(new Uint8Array(47)), 'TRUNCATED', 32)
    expect(decodeIdentityResult(new Uint8Array(48)).name).toBe('')
    expect(() =>
      encodeIdentityResult({
        vendorUuid: new Uint8Array(15),
        productId: new Uint8Array(16),
        serial: new Uint8Array(16),
        name: '',
      }),
    ).toThrow(InvalidArgumentError)
  })

  it('descriptors: "name arguments" lines; blank lines skipped; a leading space is BAD_VALUE', () => {
    expect(decodeDescriptorsResult(utf8('echo any\n\nwhatIs u16 fn\nstatus\n'))).toEqual([
      { name: 'echo', arguments: 'any' },
      { name: 'whatIs', arguments: 'u16 fn' },
      { name: 'status', arguments: '' },
    ])
    expectWireError(() => decodeDescriptorsResult(utf8('ok\n bad')), 'BAD_VALUE', 3)
    expect(
      toHex(
        encodeDescriptorsResult([
          { name: 'a', arguments: 'b' },
          { name: 'c', arguments: '' },
        ]),
      ),
    ).toBe(toHex(utf8('a b\nc')))
    expect(() => encodeDescriptorsResult([{ name: 'has space', arguments: '' }])).toThrow(
      InvalidArgumentError,
    )
    expect(() => encodeDescriptorsResult([{ name: '', arguments: 'x' }])).toThrow(InvalidArgumentError)
  })

  it('file read: u32 position, u16 max bytes, then the path', () => {
    expect(toHex(encodeFileReadArgs({ position: 1024, maxBytes: 1024, path: '/a' }))).toBe(
      '00040000' + '0004' + '2f61',
    )
    expectWireError(() => decodeFileReadArgs(new Uint8Array(5)), 'TRUNCATED', 4)
  })

  it('file write: u32 position, u16 length, data, path (code layout); data over 65535 bytes is refused', () => {
    expect(toHex(encodeFileWriteArgs({ position: 1, data: Uint8Array.of(0xaa, 0xbb), path: 'f' }))).toBe(
      '01000000' + '0200' + 'aabb' + '66',
    )
    expectWireError(() => decodeFileWriteArgs(Uint8Array.of(0, 0, 0, 0, 5, 0, 1, 2)), 'TRUNCATED', 6)
    expect(() => encodeFileWriteArgs({ position: 0, data: new Uint8Array(65536), path: '' })).toThrow(
      InvalidArgumentError,
    )
    expect(() => encodeFileWriteArgs({ position: -1, data: new Uint8Array(0), path: '' })).toThrow(
      InvalidArgumentError,
    )
  })

  it('file list: the path must end with "/" both ways', () => {
    expect(() => encodeFileListArgs({ start: 0, path: '/sd' })).toThrow(InvalidArgumentError)
    expectWireError(() => decodeFileListArgs(Uint8Array.of(0, 0, 0x2f, 0x61)), 'BAD_VALUE', 2)
  })

  it('file list result: type-prefixed names separated by NUL; trailing NUL tolerated; bad types rejected', () => {
    const entries = [
      { type: 'file' as const, name: 'a.txt' },
      { type: 'directory' as const, name: 'logs' },
    ]
    const encoded = encodeFileListResult(entries)
    expect(toHex(encoded)).toBe(toHex(utf8('\x01a.txt\x00\x02logs')))
    expect(decodeFileListResult(Uint8Array.of(...encoded, 0))).toEqual(entries)
    expect(decodeFileListResult(new Uint8Array(0))).toEqual([])
    expectWireError(() => decodeFileListResult(Uint8Array.of(3, 0x61)), 'BAD_VALUE', 0)
    expectWireError(() => decodeFileListResult(Uint8Array.of(1, 0x61, 0, 0)), 'BAD_VALUE', 3)
    expect(() => encodeFileListResult([{ type: 'file', name: 'a\0b' }])).toThrow(InvalidArgumentError)
    expect(() => encodeFileListResult([{ type: 'link' as 'file', name: 'a' }])).toThrow(InvalidArgumentError)
  })

  it('digitalRead and analogRead results: u8 0/1 and i32', () => {
    expect(decodeDigitalReadResult(Uint8Array.of(1))).toBe(true)
    expectWireError(() => decodeDigitalReadResult(Uint8Array.of(2)), 'BAD_VALUE', 0)
    expect(toHex(encodeAnalogReadResult(-2))).toBe('feffffff')
    expect(decodeAnalogReadResult(Uint8Array.of(0xff, 0xff, 0xff, 0x7f))).toBe(2 ** 31 - 1)
    expect(() => encodeAnalogReadResult(2 ** 31)).toThrow(InvalidArgumentError)
    expect(() => encodePinArgs(256)).toThrow(InvalidArgumentError)
  })

  it('wireTransaction: u16 address, u8 flags, u8 read length, then bytes to write', () => {
    expect(
      toHex(
        encodeWireTransactionArgs({ address: 0x48, flags: 0, readLength: 2, write: Uint8Array.of(0x01) }),
      ),
    ).toBe('4800000201')
    expectWireError(() => decodeWireTransactionArgs(Uint8Array.of(0x48, 0, 0)), 'TRUNCATED', 3)
  })

  it('getConfig / setConfig: NUL-terminated strings, exactly', () => {
    expect(toHex(encodeSetConfigArgs({ key: 'system.posixtz', value: 'UTC0' }))).toBe(
      toHex(utf8('system.posixtz\0UTC0\0')),
    )
    expect(toHex(encodeGetConfigArgs('app.x'))).toBe(toHex(utf8('app.x\0')))
    expectWireError(() => decodeGetConfigArgs(utf8('app.x')), 'MISSING_SEPARATOR', 0)
    expectWireError(() => decodeGetConfigArgs(utf8('a\0b')), 'TOO_LONG', 2)
    expectWireError(() => decodeSetConfigArgs(utf8('key\0value')), 'MISSING_SEPARATOR', 4)
    expect(() => encodeGetConfigArgs('a\0b')).toThrow(InvalidArgumentError)
  })

  it('PavTime: u64 seconds and u32 nanoseconds; the result is exactly 28 bytes', () => {
    expect(encodePavTimeArgs({ txSeconds: 1n, txNanos: 2 })).toHaveLength(12)
    expectWireError(() => decodePavTimeResult(new Uint8Array(29)), 'TOO_LONG', 28)
    expectWireError(() => decodePavTimeArgs(new Uint8Array(11)), 'TRUNCATED', 8)
  })

  it('argument decoders throw InvalidArgumentError for non-Uint8Array input', () => {
    expect(() => decodeFileListResult('x' as unknown as Uint8Array)).toThrow(InvalidArgumentError)
    expect(() => decodeDescriptorsResult(null as unknown as Uint8Array)).toThrow(InvalidArgumentError)
    expect(() => decodeWhatIsResult(undefined as unknown as Uint8Array)).toThrow(InvalidArgumentError)
  })
})
