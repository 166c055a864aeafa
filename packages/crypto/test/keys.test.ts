// Key parsing for users: the forms of PROTOCOL.md §4.5, for PSKs, X25519 keys and client IDs.
import { toHex } from '@pavillion/test-vectors'
import { InvalidArgumentError } from '@pavillion/wire'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  PresharedKey,
  parseClientId,
  parsePsk,
  parsePublicKey,
  parseSecretKey,
  SecretKey,
  toBase64,
} from '../src/index.ts'

const key = Uint8Array.from({ length: 32 }, (_, i) => i)
const KEY_HEX = toHex(key)
const KEY_BASE64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='

const parsers = [
  ['parsePsk', (input: string | Uint8Array) => parsePsk(input).expose(), 'PSK'],
  ['parseSecretKey', (input: string | Uint8Array) => parseSecretKey(input).expose(), 'secret key'],
  ['parsePublicKey', parsePublicKey, 'public key'],
] as const

describe.each(parsers)('%s', (_, parse, what) => {
  it('accepts the PROTOCOL.md §4.5 example as hex, upper-case hex, base64 and raw bytes', () => {
    for (const input of [KEY_HEX, KEY_HEX.toUpperCase(), KEY_BASE64, key]) expect(parse(input)).toEqual(key)
  })

  it('copies raw bytes', () => {
    const input = key.slice()
    const parsed = parse(input)
    input.fill(9)
    expect(parsed).toEqual(key)
  })

  it('rejects byte strings that are not 32 bytes (hex given as bytes included)', () => {
    expect(() => parse(new Uint8Array(31))).toThrow(InvalidArgumentError)
    expect(() => parse(new TextEncoder().encode(KEY_HEX))).toThrow(InvalidArgumentError)
  })

  it.each([
    ['64 characters that are not hex', 'x'.repeat(64)],
    ['62 hex characters (31 bytes)', KEY_HEX.slice(2)],
    ['66 hex characters', `${KEY_HEX}00`],
    ['unpadded base64', KEY_BASE64.slice(0, -1)],
    [
      'URL-safe base64',
      toBase64(Uint8Array.from({ length: 32 }, (_, i) => 250 + (i % 6)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_'),
    ],
    ['base64 of 33 bytes', toBase64(new Uint8Array(33))],
    ['base64 with a trailing newline', `${KEY_BASE64}\n`],
    ['the empty string', ''],
  ])('rejects %s with an InvalidArgumentError that names the forms and not the input', (_, input) => {
    let error: unknown
    try {
      parse(input)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidArgumentError)
    const message = (error as Error).message
    expect(message.startsWith(what)).toBe(true)
    if (input.length > 4) expect(message).not.toContain(input.slice(0, 12))
  })

  it('rejects other types with an InvalidArgumentError', () => {
    for (const input of [null, undefined, 42, [...key], key.buffer]) {
      expect(() => parse(input as unknown as string)).toThrow(InvalidArgumentError)
    }
  })

  it('parses hex and base64 renderings of any 32 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        expect(parse(toHex(bytes))).toEqual(bytes)
        expect(parse(toBase64(bytes))).toEqual(bytes)
      }),
    )
  })
})

describe('parsePsk / parseSecretKey return secrets', () => {
  it('of the right class', () => {
    expect(parsePsk(KEY_HEX)).toBeInstanceOf(PresharedKey)
    expect(parseSecretKey(KEY_HEX)).toBeInstanceOf(SecretKey)
  })

  it('error messages explain the accepted forms', () => {
    expect(() => parsePsk('short')).toThrow(/64 hex characters, or standard base64 with padding/)
    expect(() => parsePsk(new Uint8Array(16))).toThrow('PSK must be 32 bytes, got 16 bytes')
  })

  it('a hex string of the wrong length is called hex, never base64', () => {
    expect(() => parsePsk('0011')).toThrow(/^PSK: a 4-character hex string gives 2 bytes, not 32; give /)
    expect(() => parsePsk(KEY_HEX.slice(1))).toThrow(
      /^PSK: a 63-character hex string has an odd number of digits/,
    )
    expect(() => parsePsk(`${KEY_HEX}00`)).toThrow(/^PSK: a 66-character hex string gives 33 bytes, not 32/)
    expect(() => parsePsk('abc$')).toThrow(/neither hex nor valid base64/)
  })
})

describe('parseClientId', () => {
  it('accepts 32 hex characters', () => {
    expect(toHex(parseClientId('696e7465726f702d636c69656e743031'))).toBe('696e7465726f702d636c69656e743031')
    expect(toHex(parseClientId('696E7465726F702D636C69656E743031'))).toBe('696e7465726f702d636c69656e743031')
  })

  it('accepts 16 bytes of UTF-8 text', () => {
    expect(toHex(parseClientId('interop-client01'))).toBe('696e7465726f702d636c69656e743031')
    expect(toHex(parseClientId('cid1cid1cid1cid1'))).toBe('63696431'.repeat(4))
    expect(parseClientId('éééééé€x')).toEqual(new TextEncoder().encode('éééééé€x'))
  })

  it('accepts a 16-byte Uint8Array (copied)', () => {
    const input = new Uint8Array(16).fill(5)
    const id = parseClientId(input)
    input.fill(0)
    expect(id).toEqual(new Uint8Array(16).fill(5))
  })

  it('rejects other lengths and types', () => {
    expect(() => parseClientId('too short')).toThrow(InvalidArgumentError)
    expect(() => parseClientId('z'.repeat(32))).toThrow(InvalidArgumentError)
    expect(() => parseClientId('ééééééééé')).toThrow(InvalidArgumentError)
    expect(() => parseClientId(new Uint8Array(32))).toThrow(InvalidArgumentError)
    expect(() => parseClientId(16 as unknown as string)).toThrow(InvalidArgumentError)
  })

  it('encodes any text like TextEncoder (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), (text) => {
        const encoded = new TextEncoder().encode(text)
        fc.pre(encoded.length <= 16)
        const padded = text + 'x'.repeat(16 - encoded.length)
        expect(parseClientId(padded)).toEqual(new TextEncoder().encode(padded))
      }),
    )
    expect(parseClientId('\ud800'.padEnd(14, 'x'))).toEqual(
      new TextEncoder().encode('\ud800'.padEnd(14, 'x')),
    )
  })
})
