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

// One 64-bit scratch cell seen as two 32-bit halves: u64s move through it
// without the intermediate bigints that shifts and masks would allocate.
const scratch64 = new BigUint64Array(1)
const scratch32 = new Uint32Array(scratch64.buffer)
/** Index of the low half in `scratch32` (the platform's byte order). */
const LOW = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1

/** Reads a u64 at `offset`. */
export function readU64(bytes: Uint8Array, offset: number): bigint {
  scratch32[LOW] = readU32(bytes, offset)
  scratch32[1 - LOW] = readU32(bytes, offset + 4)
  return scratch64[0]!
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
  scratch64[0] = value
  writeU32(bytes, offset, scratch32[LOW]!)
  writeU32(bytes, offset + 4, scratch32[1 - LOW]!)
}
