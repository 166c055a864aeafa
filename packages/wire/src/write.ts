import { checkBigInt, checkBytes, checkInt } from './check.ts'
import { writeU16, writeU32, writeU64 } from './int.ts'

// Validating writers for encoders: each checks its value (InvalidArgumentError
// naming the field), writes it at `offset` of a pre-sized `out`, and returns
// the offset after it.

/** Writes `value`, which must be a Uint8Array of exactly `length` bytes. */
export function putBytes(
  out: Uint8Array,
  offset: number,
  name: string,
  value: unknown,
  length: number,
): number {
  out.set(checkBytes(name, value, length), offset)
  return offset + length
}

/** Writes a u8. */
export function putU8(out: Uint8Array, offset: number, name: string, value: unknown): number {
  out[offset] = checkInt(name, value, 0xff)
  return offset + 1
}

/** Writes a u16. */
export function putU16(out: Uint8Array, offset: number, name: string, value: unknown): number {
  writeU16(out, offset, checkInt(name, value, 0xffff))
  return offset + 2
}

/** Writes a u32. */
export function putU32(out: Uint8Array, offset: number, name: string, value: unknown): number {
  writeU32(out, offset, checkInt(name, value, 0xffff_ffff))
  return offset + 4
}

/** Writes a u64. */
export function putU64(out: Uint8Array, offset: number, name: string, value: unknown): number {
  writeU64(out, offset, checkBigInt(name, value))
  return offset + 8
}
