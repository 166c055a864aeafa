// Little-endian integer access on byte arrays. Callers guarantee the bounds
// (the Reader checks them; encoders allocate the exact size first).

/** Reads a u16 at `offset`. */
export function readU16(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8)
}

/** Reads a u32 at `offset`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>>
    0
  )
}

/** Reads a u64 at `offset`. */
export function readU64(bytes: Uint8Array, offset: number): bigint {
  const low = BigInt(readU32(bytes, offset))
  const high = readU32(bytes, offset + 4)
  return high === 0 ? low : (BigInt(high) << 32n) | low
}

/** Writes a u16 (already range-checked) at `offset`. */
export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value
  bytes[offset + 1] = value >>> 8
}

/** Writes a u32 (already range-checked) at `offset`. */
export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value
  bytes[offset + 1] = value >>> 8
  bytes[offset + 2] = value >>> 16
  bytes[offset + 3] = value >>> 24
}

/** Writes a u64 (already range-checked; for an i64 pass `BigInt.asUintN(64, v)`) at `offset`. */
export function writeU64(bytes: Uint8Array, offset: number, value: bigint): void {
  writeU32(bytes, offset, Number(value & 0xffff_ffffn))
  writeU32(bytes, offset + 4, Number(value >> 32n))
}
