import { InvalidArgumentError } from '@pavillion/core'
import { MAX_VALUE_SIZE } from './limits.ts'

/** The datatypes a register declares, in wire spelling (the second field of its description). */
export type Datatype = 'bytes' | 'utf8' | 'u8' | 'u16' | 'u32' | 'i32' | 'f32' | 'f64' | 'bool' | 'json'

/** What a value of each datatype is in JavaScript. */
export interface DatatypeValues {
  bytes: Uint8Array
  utf8: string
  u8: number
  u16: number
  u32: number
  i32: number
  f32: number
  f64: number
  bool: boolean
  json: unknown
}

/** The value type of datatype `D`. */
export type ValueOf<D extends Datatype> = DatatypeValues[D]

/** A value of any datatype. */
export type RegisterValue = DatatypeValues[Datatype]

/** Every datatype, in wire spelling. */
export const DATATYPES: readonly Datatype[] = [
  'bytes',
  'utf8',
  'u8',
  'u16',
  'u32',
  'i32',
  'f32',
  'f64',
  'bool',
  'json',
]

/** True when `name` is one of {@link DATATYPES}. */
export function isDatatype(name: unknown): name is Datatype {
  return typeof name === 'string' && (DATATYPES as readonly string[]).includes(name)
}

const FIXED_SIZE: Partial<Record<Datatype, number>> = {
  u8: 1,
  u16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  f64: 8,
  bool: 1,
}
const INT_RANGE: Partial<Record<Datatype, readonly [number, number]>> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
}
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const utf8Encoder = new TextEncoder()

/**
 * The bytes of `value` as datatype `type` (numbers little-endian).
 * @throws InvalidArgumentError for a value of the wrong type; InvalidArgumentError for an integer
 *   out of range or a value over {@link MAX_VALUE_SIZE} bytes
 */
export function encodeValue(type: Datatype, value: unknown): Uint8Array {
  const bytes = encodeUnchecked(type, value)
  if (bytes.length > MAX_VALUE_SIZE) {
    throw new InvalidArgumentError(
      `a register value holds at most ${MAX_VALUE_SIZE} bytes, got length=${bytes.length}`,
    )
  }
  return bytes
}

function encodeUnchecked(type: Datatype, value: unknown): Uint8Array {
  switch (type) {
    case 'bytes':
      if (!(value instanceof Uint8Array))
        throw new InvalidArgumentError(`a bytes value must be a Uint8Array, got ${typeof value}`)
      return value.slice()
    case 'utf8':
      if (typeof value !== 'string')
        throw new InvalidArgumentError(`a utf8 value must be a string, got ${typeof value}`)
      return utf8Encoder.encode(value)
    case 'bool':
      if (typeof value !== 'boolean')
        throw new InvalidArgumentError(`a bool value must be a boolean, got ${typeof value}`)
      return Uint8Array.of(value ? 1 : 0)
    case 'json': {
      let text: string | undefined
      try {
        text = JSON.stringify(value)
      } catch (error) {
        throw new InvalidArgumentError(`a json value must be serialisable: ${(error as Error).message}`)
      }
      if (text === undefined)
        throw new InvalidArgumentError(`a json value must be serialisable, got ${typeof value}`)
      return utf8Encoder.encode(text)
    }
    default:
      return encodeNumber(type, value)
  }
}

function encodeNumber(type: Datatype, value: unknown): Uint8Array {
  if (typeof value !== 'number')
    throw new InvalidArgumentError(`a ${type} value must be a number, got ${typeof value}`)
  const out = new Uint8Array(FIXED_SIZE[type] ?? 0)
  const view = new DataView(out.buffer)
  const range = INT_RANGE[type]
  if (range !== undefined && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
    throw new InvalidArgumentError(
      `a ${type} value must be an integer in ${range[0]}–${range[1]}, got ${value}`,
    )
  }
  if (type === 'u8') view.setUint8(0, value)
  else if (type === 'u16') view.setUint16(0, value, true)
  else if (type === 'u32') view.setUint32(0, value, true)
  else if (type === 'i32') view.setInt32(0, value, true)
  else if (type === 'f32') view.setFloat32(0, value, true)
  else view.setFloat64(0, value, true)
  return out
}

/** Why `bytes` is not a value of `type`, or undefined when it is (what a server checks before a writer runs). */
export function valueProblem(type: Datatype, bytes: Uint8Array): string | undefined {
  const size = FIXED_SIZE[type]
  if (size !== undefined && bytes.length !== size)
    return `a ${type} value is ${size} bytes, got ${bytes.length}`
  if (type === 'bool' && bytes[0]! > 1) return `a bool value is 0 or 1, got ${bytes[0]}`
  if (type === 'utf8' || type === 'json') {
    let text: string
    try {
      text = strictUtf8.decode(bytes)
    } catch {
      return `a ${type} value must be valid UTF-8`
    }
    if (type === 'json') {
      try {
        JSON.parse(text)
      } catch {
        return 'a json value must be valid JSON'
      }
    }
  }
  return undefined
}

/**
 * The value `bytes` holds as datatype `type`.
 * @throws InvalidArgumentError when the bytes are not a value of that type (see {@link valueProblem})
 */
export function decodeValue<D extends Datatype>(type: D, bytes: Uint8Array): ValueOf<D> {
  const problem = valueProblem(type, bytes)
  if (problem !== undefined) throw new InvalidArgumentError(problem)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  switch (type) {
    case 'bytes':
      return bytes.slice() as ValueOf<D>
    case 'utf8':
      return strictUtf8.decode(bytes) as ValueOf<D>
    case 'json':
      return JSON.parse(strictUtf8.decode(bytes)) as ValueOf<D>
    case 'bool':
      return (bytes[0] === 1) as ValueOf<D>
    case 'u8':
      return view.getUint8(0) as ValueOf<D>
    case 'u16':
      return view.getUint16(0, true) as ValueOf<D>
    case 'u32':
      return view.getUint32(0, true) as ValueOf<D>
    case 'i32':
      return view.getInt32(0, true) as ValueOf<D>
    case 'f32':
      return view.getFloat32(0, true) as ValueOf<D>
    default:
      return view.getFloat64(0, true) as ValueOf<D>
  }
}

/**
 * Parses a value written as text (the CLI's `--register 100:t:f32=21.5`, `write … 40`):
 * numbers, `true`/`false`, JSON, hex (`0x…`) for bytes, anything for utf8.
 * @throws InvalidArgumentError when the text is not a value of `type`
 */
export function parseValue(type: Datatype, text: string): RegisterValue {
  switch (type) {
    case 'utf8':
      return text
    case 'json':
      try {
        return JSON.parse(text) as unknown
      } catch {
        throw new InvalidArgumentError(`not JSON: ${text}`)
      }
    case 'bool':
      if (text === 'true' || text === '1') return true
      if (text === 'false' || text === '0') return false
      throw new InvalidArgumentError(`a bool is true or false, got ${text}`)
    case 'bytes': {
      const hex = text.startsWith('0x') ? text.slice(2) : text
      if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
        throw new InvalidArgumentError(`bytes are written as hex, got ${text}`)
      return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16))
    }
    default: {
      const value = text.trim() === '' ? Number.NaN : Number(text)
      if (Number.isNaN(value)) throw new InvalidArgumentError(`a ${type} is a number, got ${text}`)
      encodeNumber(type, value) // range check
      return value
    }
  }
}
