import { checkBoolean, checkBytes, checkInt } from '../check.ts'
import { WireDecodeError } from '../errors.ts'
import { writeU32 } from '../int.ts'
import { Reader } from '../reader.ts'
import { putU8, putU16 } from '../write.ts'

// Hardware functions (§12): pinMode (20), digitalRead (21), pwmWrite (22),
// analogRead (23), wireTransaction (26).

/**
 * Arguments of pinMode (20). `mode` bits: 1 output, 2 pull-up, 4 pull-down,
 * 8 strong pull-up, 16 strong pull-down, 32 open collector, 64/128 drive
 * strength (0 = input, 139 = output, 3 = input pull-up).
 */
export type PinModeArgs = { pin: number; mode: number }

/** Encodes pinMode (20) arguments: u8 pin ‖ u8 mode. */
export function encodePinModeArgs(args: PinModeArgs): Uint8Array {
  const out = new Uint8Array(2)
  putU8(out, putU8(out, 0, 'pin', args.pin), 'mode', args.mode)
  return out
}

/** Decodes pinMode (20) arguments (exactly 2 bytes). */
export function decodePinModeArgs(bytes: Uint8Array): PinModeArgs {
  const r = new Reader(bytes)
  const args = { pin: r.u8('pin'), mode: r.u8('mode') }
  r.end('pinMode arguments')
  return args
}

/** Arguments of pwmWrite (22): 255 = high, 0 = low, anything else PWM. */
export type PwmWriteArgs = { pin: number; value: number }

/** Encodes pwmWrite (22) arguments: u8 pin ‖ u8 value. */
export function encodePwmWriteArgs(args: PwmWriteArgs): Uint8Array {
  const out = new Uint8Array(2)
  putU8(out, putU8(out, 0, 'pin', args.pin), 'value', args.value)
  return out
}

/** Decodes pwmWrite (22) arguments (exactly 2 bytes). */
export function decodePwmWriteArgs(bytes: Uint8Array): PwmWriteArgs {
  const r = new Reader(bytes)
  const args = { pin: r.u8('pin'), value: r.u8('value') }
  r.end('pwmWrite arguments')
  return args
}

/** Encodes the arguments of digitalRead (21) and analogRead (23): the u8 pin. */
export function encodePinArgs(pin: number): Uint8Array {
  return Uint8Array.of(checkInt('pin', pin, 0xff))
}

/** Decodes digitalRead (21) / analogRead (23) arguments (exactly 1 byte). */
export function decodePinArgs(bytes: Uint8Array): number {
  const r = new Reader(bytes)
  const pin = r.u8('pin')
  r.end('pin arguments')
  return pin
}

/** Encodes a digitalRead (21) result: u8 1 (high) or 0 (low). */
export function encodeDigitalReadResult(high: boolean): Uint8Array {
  return Uint8Array.of(checkBoolean('high', high) ? 1 : 0)
}

/** Decodes a digitalRead (21) result (exactly one byte, 0 or 1; else `BAD_VALUE`). */
export function decodeDigitalReadResult(bytes: Uint8Array): boolean {
  const r = new Reader(bytes)
  const value = r.u8('level')
  r.end('digitalRead result')
  if (value > 1) throw new WireDecodeError('BAD_VALUE', 0, `digitalRead result must be 0 or 1, got ${value}`)
  return value === 1
}

/** Encodes an analogRead (23) result: the raw ADC reading as i32. */
export function encodeAnalogReadResult(value: number): Uint8Array {
  const out = new Uint8Array(4)
  writeU32(out, 0, checkInt('value', value, 0x7fff_ffff, -0x8000_0000) >>> 0)
  return out
}

/** Decodes an analogRead (23) result (exactly 4 bytes, i32). */
export function decodeAnalogReadResult(bytes: Uint8Array): number {
  const r = new Reader(bytes)
  const value = r.i32('value')
  r.end('analogRead result')
  return value
}

/** Arguments of wireTransaction (26; embedded servers register it as 25): an I²C write then read. */
export type WireTransactionArgs = {
  /** I²C address (u16). */
  address: number
  /** Reserved (u8). */
  flags: number
  /** Bytes to read back (u8). */
  readLength: number
  /** Bytes to write. */
  write: Uint8Array
}

/** Encodes wireTransaction arguments: u16 address ‖ u8 flags ‖ u8 read length ‖ bytes to write. */
export function encodeWireTransactionArgs(args: WireTransactionArgs): Uint8Array {
  const write = checkBytes('write', args.write)
  const out = new Uint8Array(4 + write.length)
  putU8(
    out,
    putU8(out, putU16(out, 0, 'address', args.address), 'flags', args.flags),
    'readLength',
    args.readLength,
  )
  out.set(write, 4)
  return out
}

/** Decodes wireTransaction arguments; `write` is a subarray. */
export function decodeWireTransactionArgs(bytes: Uint8Array): WireTransactionArgs {
  const r = new Reader(bytes)
  return { address: r.u16('address'), flags: r.u8('flags'), readLength: r.u8('readLength'), write: r.rest() }
}
