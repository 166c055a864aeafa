import { checkString } from './check.ts'
import { WireDecodeError } from './errors.ts'
import { InvalidArgumentError } from './pavillion-error.ts'

const encoder = new TextEncoder()
// fatal: malformed input throws instead of becoming U+FFFD; ignoreBOM: a leading
// U+FEFF is text like any other, so decoding then encoding gives the same bytes.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The UTF-8 length of `text`, validating it on the way.
 *
 * @param forbidden - a character code the text must not contain (`0x0a` for targets and names, `0` for NUL-separated text)
 * @throws InvalidArgumentError when `text` contains a lone surrogate (not encodable) or the forbidden character
 */
export function utf8Length(name: string, text: string, forbidden?: number): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) {
      if (c === forbidden)
        throw new InvalidArgumentError(
          `"${name}" must not contain U+${c.toString(16).padStart(4, '0')}, found at index ${i}`,
        )
    } else if (c < 0x800) {
      length += 1
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1)
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff))
        throw new InvalidArgumentError(`"${name}" is not well-formed UTF-16: lone surrogate at index ${i}`)
      length += 2 // 4 bytes for 2 code units
      i++
    } else {
      length += 2
    }
  }
  return length
}

/** Writes `text` (validated by {@link utf8Length}, which returned `length`) at `offset` of `out`. */
export function writeUtf8(out: Uint8Array, offset: number, text: string, length: number): void {
  if (length === text.length) {
    for (let i = 0; i < length; i++) out[offset + i] = text.charCodeAt(i)
  } else {
    encoder.encodeInto(text, out.subarray(offset, offset + length))
  }
}

/**
 * Encodes a text field as a new array.
 *
 * @throws InvalidArgumentError when `value` is not a string
 * @throws InvalidArgumentError as {@link utf8Length}
 */
export function utf8Bytes(name: string, value: unknown, forbidden?: number): Uint8Array {
  const text = checkString(name, value)
  const length = utf8Length(name, text, forbidden)
  const out = new Uint8Array(length)
  writeUtf8(out, 0, text, length)
  return out
}

/**
 * Decodes `bytes[start..end)` as UTF-8.
 *
 * @throws WireDecodeError `BAD_UTF8` (at `start`) when the bytes are not well-formed UTF-8
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (start === end) return ''
  if (end - start <= SHORT_ASCII) {
    const text = shortAscii(bytes, start, end)
    if (text !== undefined) return text
  }
  try {
    return decoder.decode(bytes.subarray(start, end))
  } catch {
    throw new WireDecodeError('BAD_UTF8', start, 'text is not well-formed UTF-8')
  }
}

/** Up to this many bytes, a plain loop decodes ASCII faster than `TextDecoder` (which has a fixed cost per call). */
const SHORT_ASCII = 12

/** `bytes[start..end)` as text when every byte is ASCII, else undefined. */
function shortAscii(bytes: Uint8Array, start: number, end: number): string | undefined {
  let text = ''
  for (let i = start; i < end; i++) {
    const c = bytes[i]!
    if (c >= 0x80) return undefined
    text += String.fromCharCode(c)
  }
  return text
}
