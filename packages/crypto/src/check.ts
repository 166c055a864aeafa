import { InvalidArgumentError } from '@pavillion/wire'
/** A short, secret-free description of a value's type for error messages (`string`, `Uint8Array`, `null`...). */
export function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value !== 'object') return typeof value
  const name: unknown = value.constructor?.name
  return typeof name === 'string' && name !== '' ? name : 'object'
}

/**
 * Asserts that `value` is a Uint8Array, optionally of an exact length.
 *
 * @throws InvalidArgumentError when `value` is not a Uint8Array
 * @throws InvalidArgumentError when `length` is given and differs
 */
export function assertBytes(name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array))
    throw new InvalidArgumentError(`"${name}" expected Uint8Array, got type=${typeName(value)}`)
  if (length !== undefined && value.length !== length)
    throw new InvalidArgumentError(
      `"${name}" expected Uint8Array of length ${length}, got length=${value.length}`,
    )
}

/**
 * Asserts that `value` is a bigint, and in `[min, max]` when a range is given.
 *
 * @throws InvalidArgumentError when `value` is not a bigint
 * @throws InvalidArgumentError when it is outside the range
 */
export function assertBigInt(
  name: string,
  value: unknown,
  range?: { readonly min: bigint; readonly max: bigint },
): asserts value is bigint {
  if (typeof value !== 'bigint')
    throw new InvalidArgumentError(`"${name}" expected bigint, got type=${typeName(value)}`)
  if (range !== undefined && (value < range.min || value > range.max))
    throw new InvalidArgumentError(`"${name}" expected bigint in [${range.min}, ${range.max}], got ${value}`)
}

/** A class checked with `instanceof` (its constructor may be protected). */
export interface KeyClass<T> {
  /** The class name, for messages. */
  readonly name: string
  /** Instances' prototype (ties the class to its instance type). */
  readonly prototype: T
  /** What `instanceof` calls. */
  [Symbol.hasInstance](value: unknown): boolean
}

/**
 * Asserts that `value` is an instance of `type` (one of this package's key classes).
 *
 * @throws InvalidArgumentError otherwise
 */
export function assertInstance<T>(name: string, value: unknown, type: KeyClass<T>): asserts value is T {
  if (!(value instanceof type))
    throw new InvalidArgumentError(`"${name}" expected ${type.name}, got type=${typeName(value)}`)
}

/**
 * Asserts that `value` is a byte count: a non-negative safe integer.
 *
 * @throws InvalidArgumentError when `value` is not a number
 * @throws InvalidArgumentError when it is negative, fractional or not safe
 */
export function assertByteCount(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number')
    throw new InvalidArgumentError(`"${name}" expected number, got type=${typeName(value)}`)
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InvalidArgumentError(`"${name}" expected a non-negative integer, got ${value}`)
}
