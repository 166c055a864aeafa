// Hex and base64: strict decoders, round trips, agreement with Node's codecs.

import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromBase64, fromHex, toBase64, toHex } from '../src/index.ts'

describe('hex', () => {
  it('round-trips any bytes and matches Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toHex(bytes)
        expect(text).toBe(Buffer.from(bytes).toString('hex'))
        expect(fromHex(text)).toEqual(bytes)
        expect(fromHex(text.toUpperCase())).toEqual(bytes)
      }),
    )
  })

  it('decodes mixed case', () => {
    expect(fromHex('aBcD09fF')).toEqual(Uint8Array.of(0xab, 0xcd, 0x09, 0xff))
    expect(fromHex('')).toEqual(new Uint8Array(0))
  })

  it.each([
    ['an odd length', 'abc', '"hex" expected an even number of digits, got length=3'],
    ['a non-hex character', '0g', '"hex" expected only digits 0-9a-fA-F, found another character at index 1'],
    ['a 0x prefix', '0x00', '"hex" expected only digits 0-9a-fA-F, found another character at index 1'],
    ['a space', '00 1', '"hex" expected only digits 0-9a-fA-F, found another character at index 2'],
  ])('rejects %s', (_, text, message) => {
    expect(() => fromHex(text)).toThrow(new InvalidArgumentError(message))
  })

  it('rejects non-strings and non-bytes with an InvalidArgumentError', () => {
    expect(() => fromHex(12 as unknown as string)).toThrow(
      new InvalidArgumentError('"hex" expected string, got type=number'),
    )
    expect(() => toHex('ab' as unknown as Uint8Array)).toThrow(InvalidArgumentError)
  })
})

describe('base64', () => {
  it('round-trips any bytes and matches Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toBase64(bytes)
        expect(text).toBe(Buffer.from(bytes).toString('base64'))
        expect(fromBase64(text)).toEqual(bytes)
      }),
    )
  })

  it('known answers (RFC 4648 §10)', () => {
    const cases = ['', 'Zg==', 'Zm8=', 'Zm9v', 'Zm9vYg==', 'Zm9vYmE=', 'Zm9vYmFy']
    const plain = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar']
    cases.forEach((text, i) => {
      expect(new TextDecoder().decode(fromBase64(text))).toBe(plain[i])
      expect(toBase64(new TextEncoder().encode(plain[i]))).toBe(text)
    })
  })

  it.each([
    ['missing padding', 'Zg'],
    ['URL-safe characters', 'ab-_'],
    ['padding in the middle', 'Zg==Zm8='],
    ['three padding characters', 'Z==='],
    ['only padding', '===='],
    ['whitespace', 'Zm9v\n'],
    ['non-canonical trailing bits (one pad)', 'Zm9='],
    ['non-canonical trailing bits (two pads)', 'Zh=='],
    ['a non-ASCII character', 'Zm9é'],
  ])('rejects %s', (_, text) => {
    expect(() => fromBase64(text)).toThrow(InvalidArgumentError)
  })

  it('rejects non-strings with an InvalidArgumentError', () => {
    expect(() => fromBase64(null as unknown as string)).toThrow(InvalidArgumentError)
    expect(() => toBase64([1] as unknown as Uint8Array)).toThrow(InvalidArgumentError)
  })

  it('every accepted string is canonical: decoding then encoding gives it back', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='.split('')
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }), (chars) => {
        const text = chars.join('')
        let bytes: Uint8Array | undefined
        try {
          bytes = fromBase64(text)
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidArgumentError)
        }
        if (bytes !== undefined) expect(toBase64(bytes)).toBe(text)
      }),
    )
  })
})
