import { checkString } from '../check.ts'
import { Reader } from '../reader.ts'
import { utf8Length, writeUtf8 } from '../utf8.ts'

// Configuration functions (§12): getConfig (24), setConfig (25). Keys and
// values are NUL-terminated UTF-8 (keys like `app.x`, `system.posixtz`).

/** Encodes NUL-terminated strings back to back. */
function terminated(fields: [name: string, value: unknown][]): Uint8Array {
  const texts = fields.map(([name, value]) => checkString(name, value))
  const lengths = texts.map((text, i) => utf8Length(fields[i]![0], text, 0))
  const out = new Uint8Array(lengths.reduce((n, length) => n + length + 1, 0))
  let o = 0
  texts.forEach((text, i) => {
    writeUtf8(out, o, text, lengths[i]!)
    o += lengths[i]! + 1 // the NUL is already there
  })
  return out
}

/** Encodes getConfig (24) arguments: key ‖ NUL (the key must not contain NUL). */
export function encodeGetConfigArgs(key: string): Uint8Array {
  return terminated([['key', key]])
}

/** Decodes getConfig (24) arguments: exactly one NUL-terminated key. */
export function decodeGetConfigArgs(bytes: Uint8Array): string {
  const r = new Reader(bytes)
  const key = r.utf8Until(0, 'key')
  r.end('getConfig arguments')
  return key
}

/** Arguments of setConfig (25). */
export type SetConfigArgs = { key: string; value: string }

/** Encodes setConfig (25) arguments: key ‖ NUL ‖ value ‖ NUL (neither may contain NUL). */
export function encodeSetConfigArgs(args: SetConfigArgs): Uint8Array {
  return terminated([
    ['key', args.key],
    ['value', args.value],
  ])
}

/** Decodes setConfig (25) arguments: exactly two NUL-terminated strings. */
export function decodeSetConfigArgs(bytes: Uint8Array): SetConfigArgs {
  const r = new Reader(bytes)
  const args = { key: r.utf8Until(0, 'key'), value: r.utf8Until(0, 'value') }
  r.end('setConfig arguments')
  return args
}
