// Encoder-side input validation: a wrong type, length or range throws an
// InvalidArgumentError naming the offending field.
import { InvalidArgumentError } from './pavillion-error.ts'

/** A short description of a value's type for error messages (`string`, `Uint8Array`, `null`...). */
export function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  const name: unknown = value.constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'object'
}

/**
 * Returns `value` if it is a Uint8Array (of exactly `length` bytes when given).
 *
 * @throws InvalidArgumentError when `value` is not a Uint8Array
 * @throws InvalidArgumentError when `length` is given and differs
 */
export function checkBytes(name: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new InvalidArgumentError(`"${name}" expected Uint8Array, got type=${typeName(value)}`)
  if (length !== undefined && value.length !== length)
    throw new InvalidArgumentError(
      `"${name}" expected Uint8Array of length ${length}, got length=${value.length}`,
    )
  return value
}

/**
 * Returns `value` if it is an integer in `[min, max]`.
 *
 * @throws InvalidArgumentError when `value` is not a number
 * @throws InvalidArgumentError when it is not an integer in range
 */
export function checkInt(name: string, value: unknown, max: number, min = 0): number {
  if (typeof value !== 'number')
    throw new InvalidArgumentError(`"${name}" expected number, got type=${typeName(value)}`)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`"${name}" expected integer in [${min}, ${max}], got ${value}`)
  return value
}

/** Largest u64. */
const U64_MAX = 0xffff_ffff_ffff_ffffn

/**
 * Returns `value` if it is a bigint in `[min, max]`.
 *
 * @throws InvalidArgumentError when `value` is not a bigint
 * @throws InvalidArgumentError when it is outside the range
 */
export function checkBigInt(name: string, value: unknown, min = 0n, max = U64_MAX): bigint {
  if (typeof value !== 'bigint')
    throw new InvalidArgumentError(`"${name}" expected bigint, got type=${typeName(value)}`)
  if (value < min || value > max)
    throw new InvalidArgumentError(`"${name}" expected bigint in [${min}, ${max}], got ${value}`)
  return value
}

/**
 * Returns `value` if it is a number. NaN and ±Infinity pass; use {@link checkInt} for integers.
 *
 * @throws InvalidArgumentError when `value` is not a number
 */
export function checkNumber(name: string, value: unknown): number {
  if (typeof value !== 'number')
    throw new InvalidArgumentError(`"${name}" expected number, got type=${typeName(value)}`)
  return value
}

/**
 * Returns `value` if it is a string.
 *
 * @throws InvalidArgumentError otherwise
 */
export function checkString(name: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(`"${name}" expected string, got type=${typeName(value)}`)
  return value
}

/**
 * Returns `value` if it is a boolean.
 *
 * @throws InvalidArgumentError otherwise
 */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(`"${name}" expected boolean, got type=${typeName(value)}`)
  return value
}

/** The InvalidArgumentError for a message whose `type` is not one of its family's (`'setup'`, `'app'`). */
export function unknownMessageType(family: string, msg: unknown): InvalidArgumentError {
  const type: unknown = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined
  const got = typeof type === 'string' ? `'${type}'` : `type=${typeName(type)}`
  return new InvalidArgumentError(`"type" expected a known ${family} message type, got ${got}`)
}

/**
 * Returns `value` if it is a number binary32 can hold: NaN and ±Infinity pass
 * (precision is rounded on encoding), finite values beyond ±3.4e38 do not.
 *
 * @throws InvalidArgumentError when `value` is not a number
 * @throws InvalidArgumentError when it is finite but would overflow to Infinity
 */
export function checkF32(name: string, value: unknown): number {
  const n = checkNumber(name, value)
  if (Number.isFinite(n) && !Number.isFinite(Math.fround(n)))
    throw new InvalidArgumentError(`"${name}" expected a value within the f32 range, got ${n}`)
  return n
}
