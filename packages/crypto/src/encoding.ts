import { InvalidArgumentError } from '@pavillion/wire'
import { assertBytes, typeName } from './check.ts'

const HEX_DIGITS = '0123456789abcdef'
const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Character code → base64 digit value, or -1. */
const BASE64_VALUES = new Int8Array(128).fill(-1)
for (let i = 0; i < BASE64_ALPHABET.length; i++) BASE64_VALUES[BASE64_ALPHABET.charCodeAt(i)] = i

/** Value of one hex digit (either case), or -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48 // 0-9
  const lower = code | 0x20
  if (lower >= 97 && lower <= 102) return lower - 87 // a-f, A-F
  return -1
}

/** Whether `text` consists only of hex digits (either case). */
export function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (hexValue(text.charCodeAt(i)) < 0) return false
  return true
}

/**
 * Lower-case hexadecimal encoding.
 *
 * @throws InvalidArgumentError when `bytes` is not a Uint8Array
 */
export function toHex(bytes: Uint8Array): string {
  assertBytes('bytes', bytes)
  let out = ''
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!
  return out
}

/**
 * Strict hexadecimal decoding: an even number of digits `0-9a-fA-F`, nothing else (no prefix, no spaces).
 * Error messages give positions, never the text itself (it may be a key).
 *
 * @throws InvalidArgumentError when `hex` is not a string
 * @throws InvalidArgumentError when the length is odd or a character is not a hex digit
 */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string')
    throw new InvalidArgumentError(`"hex" expected string, got type=${typeName(hex)}`)
  if (hex.length % 2 !== 0)
    throw new InvalidArgumentError(`"hex" expected an even number of digits, got length=${hex.length}`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const high = hexValue(hex.charCodeAt(2 * i))
    const low = hexValue(hex.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0)
      throw new InvalidArgumentError(
        `"hex" expected only digits 0-9a-fA-F, found another character at index ${2 * i + (high < 0 ? 0 : 1)}`,
      )
    out[i] = (high << 4) | low
  }
  return out
}

/**
 * Standard base64 (RFC 4648 §4 alphabet `+/`) with `=` padding.
 *
 * @throws InvalidArgumentError when `bytes` is not a Uint8Array
 */
export function toBase64(bytes: Uint8Array): string {
  assertBytes('bytes', bytes)
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i
    const group = (bytes[i]! << 16) | ((rest > 1 ? bytes[i + 1]! : 0) << 8) | (rest > 2 ? bytes[i + 2]! : 0)
    out += BASE64_ALPHABET[group >> 18]! + BASE64_ALPHABET[(group >> 12) & 63]!
    out += rest > 1 ? BASE64_ALPHABET[(group >> 6) & 63]! : '='
    out += rest > 2 ? BASE64_ALPHABET[group & 63]! : '='
  }
  return out
}

/**
 * Strict standard base64 decoding: alphabet `A-Za-z0-9+/`, length a multiple of 4, `=` padding
 * only at the end, and canonical (unused bits zero), so `toBase64(fromBase64(s)) === s`.
 * Unpadded, URL-safe (`-_`) and whitespace-containing text is rejected. Error messages give
 * positions, never the text itself.
 *
 * @throws InvalidArgumentError when `text` is not a string
 * @throws InvalidArgumentError when it is not canonical padded standard base64
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== 'string')
    throw new InvalidArgumentError(`"base64" expected string, got type=${typeName(text)}`)
  if (text.length % 4 !== 0)
    throw new InvalidArgumentError(
      `"base64" expected padded base64 (length a multiple of 4), got length=${text.length}`,
    )
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  const digits = text.length - padding
  let acc = 0
  for (let i = 0; i < digits; i++) {
    const code = text.charCodeAt(i)
    const value = code < 128 ? BASE64_VALUES[code]! : -1
    if (value < 0)
      throw new InvalidArgumentError(
        `"base64" expected only characters A-Za-z0-9+/ and final '=' padding, found another at index ${i}`,
      )
    acc = (acc << 6) | value
    if (i % 4 === 3) {
      const at = ((i - 3) / 4) * 3
      out[at] = acc >> 16
      out[at + 1] = acc >> 8
      out[at + 2] = acc
      acc = 0
    }
  }
  if (padding > 0) {
    const at = out.length - (3 - padding)
    const unusedBits = padding === 1 ? 2 : 4
    if ((acc & ((1 << unusedBits) - 1)) !== 0)
      throw new InvalidArgumentError('"base64" is not canonical: the bits before the padding must be zero')
    const bits = acc >> unusedBits
    if (padding === 1) {
      out[at] = bits >> 8
      out[at + 1] = bits
    } else {
      out[at] = bits
    }
  }
  return out
}

/** UTF-8 encoding (lone surrogates become U+FFFD, as with `TextEncoder`). */
export function utf8(text: string): Uint8Array {
  const out: number[] = []
  for (const char of text) {
    let code = char.codePointAt(0)!
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd
    if (code < 0x80) out.push(code)
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63))
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63))
    else
      out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63))
  }
  return Uint8Array.from(out)
}
