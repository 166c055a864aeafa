import { checkBigInt, checkBytes, checkInt } from './check.ts'
import {
  HEADER_SIZE,
  MAC_SIZE,
  MAX_DATAGRAM_SIZE,
  MIN_SECURE_DATAGRAM,
  PLAINTEXT_MAGIC,
  SECURE_MAGIC,
} from './constants.ts'
import { WireDecodeError } from './errors.ts'
import { readU64, writeU64 } from './int.ts'
import { InvalidArgumentError } from './pavillion-error.ts'
import { allocateBytes } from './slab.ts'

// Private copies: mutating the exported constants cannot change how datagrams are read.
const MAGIC = SECURE_MAGIC.slice()
const PLAIN_MAGIC = PLAINTEXT_MAGIC.slice()
const MAGIC_SIZE = MAGIC.length

/**
 * The outer layer of a datagram (§3.1). Byte fields are subarrays of the
 * decoded datagram (no copy): copy them if the datagram's buffer is reused.
 */
export type Frame =
  /** Counter 0: a cleartext setup message; `data` = the bytes after the opcode byte. */
  | { kind: 'setup'; opcode: number; data: Uint8Array }
  /** Counter ≠ 0: `box` = tag ‖ ciphertext, from offset 19, at least 17 bytes. */
  | { kind: 'secure'; counter: bigint; box: Uint8Array }

/** The first offset where `bytes` differs from `magic` (compared over their common length), or -1. */
function magicMismatch(bytes: Uint8Array, magic: Uint8Array): number {
  const n = Math.min(bytes.length, magic.length)
  for (let i = 0; i < n; i++) if (bytes[i] !== magic[i]) return i
  return -1
}

/**
 * Rejects non-arrays (InvalidArgumentError), oversized datagrams, a wrong magic and a
 * datagram too short for magic ‖ u64 counter; `TRUNCATED` points at the
 * incomplete field (0 = magic, magic length = counter).
 */
function checkHeader(datagram: Uint8Array, magic: Uint8Array): void {
  checkBytes('datagram', datagram)
  const length = datagram.length
  if (length > MAX_DATAGRAM_SIZE)
    throw new WireDecodeError(
      'TOO_LONG',
      MAX_DATAGRAM_SIZE,
      `datagram of ${length} bytes exceeds ${MAX_DATAGRAM_SIZE}`,
    )
  const bad = magicMismatch(datagram, magic)
  if (bad >= 0) throw new WireDecodeError('BAD_MAGIC', bad, 'datagram does not start with the expected magic')
  if (length < magic.length) throw new WireDecodeError('TRUNCATED', 0, 'datagram ends inside the magic')
  if (length < magic.length + 8)
    throw new WireDecodeError('TRUNCATED', magic.length, 'datagram ends inside the counter')
}

/** True when the 8 counter bytes at offset 11 are all zero. */
function zeroCounter(datagram: Uint8Array): boolean {
  for (let i = MAGIC_SIZE; i < HEADER_SIZE; i++) if (datagram[i] !== 0) return false
  return true
}

/**
 * Splits a `PavillionS0` datagram into a setup or a secure frame.
 *
 * @throws WireDecodeError `TOO_LONG` (over {@link MAX_DATAGRAM_SIZE}), `BAD_MAGIC`,
 *   `TRUNCATED` (header or setup opcode missing), `BAD_LENGTH` (secure box under 17 bytes)
 * @throws InvalidArgumentError when `datagram` is not a Uint8Array
 */
export function decodeFrame(datagram: Uint8Array): Frame {
  checkHeader(datagram, MAGIC)
  if (zeroCounter(datagram)) {
    if (datagram.length === HEADER_SIZE)
      throw new WireDecodeError('TRUNCATED', HEADER_SIZE, 'setup datagram ends before its opcode')
    return { kind: 'setup', opcode: datagram[HEADER_SIZE]!, data: datagram.subarray(HEADER_SIZE + 1) }
  }
  if (datagram.length < MIN_SECURE_DATAGRAM)
    throw new WireDecodeError(
      'BAD_LENGTH',
      HEADER_SIZE,
      `secure box of ${datagram.length - HEADER_SIZE} bytes is shorter than tag + opcode (${MAC_SIZE + 1})`,
    )
  return { kind: 'secure', counter: readU64(datagram, MAGIC_SIZE), box: datagram.subarray(HEADER_SIZE) }
}

/** Allocates a datagram of `HEADER_SIZE + bodyLength` bytes with the magic and counter written. */
function datagramWithHeader(counter: bigint, bodyLength: number, what: string): Uint8Array {
  const size = HEADER_SIZE + bodyLength
  if (size > MAX_DATAGRAM_SIZE)
    throw new InvalidArgumentError(
      `"${what}" makes a datagram of ${size} bytes, over the ${MAX_DATAGRAM_SIZE}-byte limit`,
    )
  const out = allocateBytes(size)
  out.set(MAGIC)
  if (counter !== 0n) writeU64(out, MAGIC_SIZE, counter)
  return out
}

/**
 * A secure datagram with its header written and `boxLength` zeroed bytes
 * after it, for a sealer to fill in place (no intermediate copy).
 *
 * @throws InvalidArgumentError when the counter is not in 1..2^64-1, or the datagram would exceed {@link MAX_DATAGRAM_SIZE}
 */
export function allocateSecureFrame(counter: bigint, boxLength: number): Uint8Array {
  checkBigInt('counter', counter, 1n)
  if (!Number.isInteger(boxLength) || boxLength < MAC_SIZE + 1)
    throw new InvalidArgumentError(`"boxLength" expected an integer >= ${MAC_SIZE + 1}, got ${boxLength}`)
  return datagramWithHeader(counter, boxLength, 'box')
}

/**
 * A setup datagram with `dataLength` zeroed data bytes at offset 20, for encoders to fill in.
 *
 * @throws InvalidArgumentError when the datagram would exceed {@link MAX_DATAGRAM_SIZE}
 */
export function setupDatagram(opcode: number, dataLength: number): Uint8Array {
  const out = datagramWithHeader(0n, 1 + dataLength, 'data')
  out[HEADER_SIZE] = opcode
  return out
}

/**
 * Builds a setup datagram: magic ‖ counter 0 ‖ `opcode` ‖ `data`. Prefer
 * `encodeSetup`, which validates the data layout.
 *
 * @throws InvalidArgumentError when `opcode` is not a u8, `data` not a Uint8Array, or the datagram too long
 */
export function encodeSetupFrame(opcode: number, data: Uint8Array): Uint8Array {
  checkInt('opcode', opcode, 0xff)
  checkBytes('data', data)
  const out = setupDatagram(opcode, data.length)
  out.set(data, HEADER_SIZE + 1)
  return out
}

/**
 * Builds a secure datagram: magic ‖ `counter` ‖ `box` (the sealed opcode ‖ payload).
 *
 * @throws InvalidArgumentError when `counter` is not a bigint in 1..2^64−1, `box` not a
 *   Uint8Array of at least 17 bytes, or the datagram over {@link MAX_DATAGRAM_SIZE}
 */
export function encodeSecureFrame(counter: bigint, box: Uint8Array): Uint8Array {
  checkBigInt('counter', counter, 1n)
  checkBytes('box', box)
  if (box.length < MAC_SIZE + 1)
    throw new InvalidArgumentError(
      `"box" expected Uint8Array of length >= ${MAC_SIZE + 1}, got length=${box.length}`,
    )
  const out = datagramWithHeader(counter, box.length, 'box')
  out.set(box, HEADER_SIZE)
  return out
}

/**
 * Peeks at a datagram's counter without decoding it: `undefined` unless it is
 * a Uint8Array with the `PavillionS0` magic and a complete header. Never throws.
 */
export function readCounter(datagram: Uint8Array): bigint | undefined {
  if (
    !(datagram instanceof Uint8Array) ||
    datagram.length < HEADER_SIZE ||
    magicMismatch(datagram, MAGIC) >= 0
  )
    return undefined
  return readU64(datagram, MAGIC_SIZE)
}

/** Size of the plaintext framing's header: magic (10) ‖ counter (8). */
const PLAIN_HEADER_SIZE = PLAIN_MAGIC.length + 8

/**
 * Decodes the unsecured `Pavillion0` framing (§3.2): magic (10) ‖ u64 counter ‖
 * opcode ‖ data. Decode-only: no reference role can receive it, so nothing
 * should send it. `data` is a subarray.
 *
 * @throws WireDecodeError `TOO_LONG`, `BAD_MAGIC`, `TRUNCATED`
 * @throws InvalidArgumentError when `datagram` is not a Uint8Array
 */
export function decodePlaintextFrame(datagram: Uint8Array): {
  counter: bigint
  opcode: number
  data: Uint8Array
} {
  checkHeader(datagram, PLAIN_MAGIC)
  if (datagram.length === PLAIN_HEADER_SIZE)
    throw new WireDecodeError('TRUNCATED', PLAIN_HEADER_SIZE, 'plaintext datagram ends before its opcode')
  return {
    counter: readU64(datagram, PLAIN_MAGIC.length),
    opcode: datagram[PLAIN_HEADER_SIZE]!,
    data: datagram.subarray(PLAIN_HEADER_SIZE + 1),
  }
}
