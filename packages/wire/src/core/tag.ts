import { checkBigInt, checkBoolean, checkF32 } from '../check.ts'
import { WireDecodeError } from '../errors.ts'
import { writeU64 } from '../int.ts'
import { Reader } from '../reader.ts'

// `core.tag` and `core.tagv` bodies (§13). Floats are f32 (values are rounded
// to binary32); timestamps are i64 µs on the server's monotonic clock.

const I64_MIN = -(2n ** 63n)
const I64_MAX = 2n ** 63n - 1n
/** Size of a full tag declaration: value, min, max, interval (f32 each), flags (u8), timestamp (i64). */
const FULL_TAG = 25
/** Where each tag declaration field starts, and the full size. */
const TAG_BOUNDARIES = [0, 4, 8, 12, 16, 17, FULL_TAG]

/** A `core.tag` body: a tag's value and, optionally, its range, update interval (s), writability and timestamp. */
export type TagBody = {
  value: number
  min?: number
  max?: number
  interval?: number
  /** Flags bit 0: clients may write the tag with `core.tagv`. */
  writable?: boolean
  timestampUs?: bigint
}

/** A `core.tagv` body: a tag value and its timestamp. */
export type TagValueBody = { value: number; timestampUs: bigint }

/** Whether a declaration is encoded in full (25 bytes, with its flags byte): when any optional field is given. */
export function isFullTag(tag: TagBody): boolean {
  return (
    tag.min !== undefined ||
    tag.max !== undefined ||
    tag.interval !== undefined ||
    tag.writable !== undefined ||
    tag.timestampUs !== undefined
  )
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Encodes a `core.tag` body: just the f32 value (4 bytes) when no optional
 * field is given, otherwise all 25 bytes like the embedded server, with 0 /
 * false / 0n for the fields left out.
 */
export function encodeTagBody(tag: TagBody): Uint8Array {
  const value = checkF32('value', tag.value)
  const full = isFullTag(tag)
  const out = new Uint8Array(full ? FULL_TAG : 4)
  const v = view(out)
  v.setFloat32(0, value, true)
  if (full) {
    v.setFloat32(4, tag.min === undefined ? 0 : checkF32('min', tag.min), true)
    v.setFloat32(8, tag.max === undefined ? 0 : checkF32('max', tag.max), true)
    v.setFloat32(12, tag.interval === undefined ? 0 : checkF32('interval', tag.interval), true)
    out[16] = tag.writable !== undefined && checkBoolean('writable', tag.writable) ? 1 : 0
    const timestamp =
      tag.timestampUs === undefined ? 0n : checkBigInt('timestampUs', tag.timestampUs, I64_MIN, I64_MAX)
    writeU64(out, 17, BigInt.asUintN(64, timestamp))
  }
  return out
}

/**
 * Decodes a `core.tag` body of 4, 8, 12, 16, 17 or at least 25 bytes: the
 * fields that are present; bytes past 25 and flag bits other than bit 0 are
 * reserved and ignored. Other lengths are `BAD_LENGTH` (`TRUNCATED` under 4).
 */
export function decodeTagBody(bytes: Uint8Array): TagBody {
  const r = new Reader(bytes)
  const tag: TagBody = { value: r.f32('value') }
  const size = bytes.length
  if (size < FULL_TAG && !TAG_BOUNDARIES.includes(size)) {
    const field = TAG_BOUNDARIES.filter((b) => b < size).pop() ?? 0
    throw new WireDecodeError('BAD_LENGTH', field, `tag body of ${size} bytes ends inside a field`)
  }
  if (size >= 8) tag.min = r.f32('min')
  if (size >= 12) tag.max = r.f32('max')
  if (size >= 16) tag.interval = r.f32('interval')
  if (size >= 17) tag.writable = (r.u8('flags') & 1) === 1
  if (size >= FULL_TAG) tag.timestampUs = r.i64('timestampUs')
  return tag
}

/** Encodes a `core.tagv` body: f32 value ‖ i64 timestamp (12 bytes). */
export function encodeTagValueBody(body: TagValueBody): Uint8Array {
  const out = new Uint8Array(12)
  view(out).setFloat32(0, checkF32('value', body.value), true)
  writeU64(out, 4, BigInt.asUintN(64, checkBigInt('timestampUs', body.timestampUs, I64_MIN, I64_MAX)))
  return out
}

/** Decodes a `core.tagv` body: at least 12 bytes; bytes past 12 are reserved and ignored. */
export function decodeTagValueBody(bytes: Uint8Array): TagValueBody {
  const r = new Reader(bytes)
  return { value: r.f32('value'), timestampUs: r.i64('timestampUs') }
}
