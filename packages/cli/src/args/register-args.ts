import { DATATYPES, type Datatype, isDatatype, parseValue, type RegisterValue, toHex } from 'pavillion'
import { UsageError } from '../usage-error.ts'
import { integerFlag } from './parse.ts'

/** The flags of the register commands besides the client's: the datatype. */
export const TYPE_FLAG = { type: { type: 'string' } } as const

/** `REG`: a register number 0–65535. @throws UsageError otherwise */
export function registerArg(text: string): number {
  return integerFlag('REG', text, 0, 0, 65535)
}

/** `--type T`, or undefined (ask the server). @throws UsageError for an unknown datatype */
export function typeFlag(text: string | undefined): Datatype | undefined {
  if (text === undefined) return undefined
  if (!isDatatype(text)) throw new UsageError(`--type expected one of ${DATATYPES.join(', ')}, got "${text}"`)
  return text
}

/** A value written as text, as datatype `type`. @throws UsageError when it is not one */
export function valueArg(type: Datatype, text: string): RegisterValue {
  try {
    return parseValue(type, text)
  } catch (error) {
    throw new UsageError(`VALUE: ${(error as Error).message} (register type ${type})`)
  }
}

/** A value for a text line: numbers and booleans as is, text quoted, bytes as 0x…, JSON as JSON. */
export function valueText(value: RegisterValue): string {
  if (value instanceof Uint8Array) return `0x${toHex(value)}`
  return JSON.stringify(value) ?? String(value)
}

/** A value for NDJSON: bytes as `{ hex }`, everything else as is. */
export function valueField(value: RegisterValue): unknown {
  return value instanceof Uint8Array ? { hex: toHex(value) } : value
}

/** A register declared by `serve --register N:NAME:TYPE[=VALUE]`. */
export interface RegisterFlag {
  readonly register: number
  readonly name: string
  readonly datatype: Datatype
  readonly value: RegisterValue | undefined
}

/**
 * Parses `N:NAME:TYPE[=VALUE]` (e.g. `100:temperature:f32=21.5`).
 * @throws UsageError naming what is wrong
 */
export function registerFlag(text: string): RegisterFlag {
  const at = text.indexOf('=')
  const head = at < 0 ? text : text.slice(0, at)
  const parts = head.split(':')
  if (parts.length !== 3) {
    throw new UsageError(
      `--register expected N:NAME:TYPE[=VALUE] (e.g. 100:temperature:f32=21.5), got "${text}"`,
    )
  }
  const [numberText = '', name = '', typeText = ''] = parts
  const register = integerFlag('register', numberText, 0, 0, 65534)
  const datatype = typeFlag(typeText)
  if (datatype === undefined) throw new UsageError(`--register ${text}: no TYPE`)
  const value = at < 0 ? undefined : valueArg(datatype, text.slice(at + 1))
  return { register, name, datatype, value }
}
