import { checkBoolean } from '../check.ts'
import { WireDecodeError } from '../errors.ts'
import { Reader } from '../reader.ts'

/** Encodes a `core.alert` body: 1 when `abnormal`, else 0. */
export function encodeAlertBody(abnormal: boolean): Uint8Array {
  return Uint8Array.of(checkBoolean('abnormal', abnormal) ? 1 : 0)
}

/** Decodes a `core.alert` body (exactly one byte, 0 or 1; else `BAD_VALUE`) to `abnormal`. */
export function decodeAlertBody(bytes: Uint8Array): boolean {
  const r = new Reader(bytes)
  const value = r.u8('alert')
  r.end('alert body')
  if (value > 1) throw new WireDecodeError('BAD_VALUE', 0, `alert must be 0 or 1, got ${value}`)
  return value === 1
}
