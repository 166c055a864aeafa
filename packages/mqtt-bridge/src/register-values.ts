import { type Datatype, type RegisterValue, toHex } from 'pavillion'

/**
 * A register value as the text its retained topic carries: numbers in
 * decimal (`21.5`), `true`/`false`, utf8 as is, JSON as JSON text, bytes as
 * lowercase hex without `0x`.
 */
export function valueText(datatype: Datatype, value: RegisterValue): string {
  switch (datatype) {
    case 'bytes':
      return toHex(value as Uint8Array)
    case 'utf8':
      return value as string
    case 'json':
      return JSON.stringify(value) ?? 'null'
    default:
      return String(value)
  }
}
