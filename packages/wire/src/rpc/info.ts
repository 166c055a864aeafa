import { checkBytes, checkString } from '../check.ts'
import { WireDecodeError } from '../errors.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'
import { Reader } from '../reader.ts'
import { decodeUtf8, utf8Bytes } from '../utf8.ts'
import { putBytes, putU16 } from '../write.ts'

// Self-description functions: what-is (1), identity (7), descriptors (8).

const NEWLINE = 0x0a
const SPACE = 0x20

/** Arguments of what-is (1): the u16 function number asked about. */
export function encodeWhatIsArgs(fn: number): Uint8Array {
  const out = new Uint8Array(2)
  putU16(out, 0, 'fn', fn)
  return out
}

/** Decodes what-is (1) arguments (exactly 2 bytes). */
export function decodeWhatIsArgs(bytes: Uint8Array): number {
  const r = new Reader(bytes)
  const fn = r.u16('fn')
  r.end('what-is arguments')
  return fn
}

/** Result of what-is (1): the function's UTF-8 name (no `\n`; empty when undefined). */
export function encodeWhatIsResult(name: string): Uint8Array {
  return utf8Bytes('name', name, NEWLINE)
}

/** Decodes a what-is (1) result: its first line; further lines are ignored, as §12 asks. */
export function decodeWhatIsResult(bytes: Uint8Array): string {
  const r = new Reader(bytes)
  const newline = bytes.indexOf(NEWLINE)
  return newline < 0 ? r.restUtf8() : r.utf8Until(NEWLINE, 'name')
}

/** Result of identity (7). */
export type Identity = { vendorUuid: Uint8Array; productId: Uint8Array; serial: Uint8Array; name: string }

/** Encodes an identity (7) result: vendor UUID (16) ‖ product ID (16) ‖ serial (16) ‖ UTF-8 name. */
export function encodeIdentityResult(identity: Identity): Uint8Array {
  const name = utf8Bytes('name', identity.name)
  const out = new Uint8Array(48 + name.length)
  let o = putBytes(out, 0, 'vendorUuid', identity.vendorUuid, 16)
  o = putBytes(out, o, 'productId', identity.productId, 16)
  o = putBytes(out, o, 'serial', identity.serial, 16)
  out.set(name, o)
  return out
}

/** Decodes an identity (7) result; byte fields are subarrays. */
export function decodeIdentityResult(bytes: Uint8Array): Identity {
  const r = new Reader(bytes)
  return {
    vendorUuid: r.bytes(16, 'vendorUuid'),
    productId: r.bytes(16, 'productId'),
    serial: r.bytes(16, 'serial'),
    name: r.restUtf8(),
  }
}

/** One line of a descriptors (8) result: a function name and its argument description. */
export type Descriptor = { name: string; arguments: string }

/**
 * Encodes a descriptors (8) result: one `name arguments` line per entry
 * (just `name` when `arguments` is empty), joined by `\n`.
 *
 * @throws InvalidArgumentError when a name is empty or has a space or `\n`, or arguments have `\n`
 */
export function encodeDescriptorsResult(descriptors: readonly Descriptor[]): Uint8Array {
  const lines = descriptors.map((d, i) => {
    const name = checkString(`descriptors[${i}].name`, d.name)
    const args = checkString(`descriptors[${i}].arguments`, d.arguments)
    if (name === '' || /[ \n]/.test(name))
      throw new InvalidArgumentError(
        `"descriptors[${i}].name" must be non-empty without spaces or newlines, got '${name}'`,
      )
    if (args.includes('\n'))
      throw new InvalidArgumentError(`"descriptors[${i}].arguments" must not contain a newline`)
    return args === '' ? name : `${name} ${args}`
  })
  return utf8Bytes('descriptors', lines.join('\n'))
}

/**
 * Decodes a descriptors (8) result: every non-empty line splits at its first
 * space into name and arguments (empty when there is no space).
 *
 * @throws WireDecodeError `BAD_UTF8`, or `BAD_VALUE` for a line starting with a space (no name)
 */
export function decodeDescriptorsResult(bytes: Uint8Array): Descriptor[] {
  checkBytes('bytes', bytes)
  const out: Descriptor[] = []
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(NEWLINE, start)
    if (end < 0) end = bytes.length
    if (end > start) {
      const space = bytes.subarray(start, end).indexOf(SPACE)
      if (space === 0)
        throw new WireDecodeError('BAD_VALUE', start, 'descriptor line starts with a space (no name)')
      out.push(
        space < 0
          ? { name: decodeUtf8(bytes, start, end), arguments: '' }
          : {
              name: decodeUtf8(bytes, start, start + space),
              arguments: decodeUtf8(bytes, start + space + 1, end),
            },
      )
    }
    start = end + 1
  }
  return out
}
