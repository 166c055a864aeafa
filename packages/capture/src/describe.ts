import { REDACTED, toHex } from 'pavillion/crypto'
import type { CaptureRecord } from './capture-decoder.ts'
import type { Decoded } from './decoder.ts'
import { idLabel } from './labels.ts'

/** Fields never printed, whatever the keys given: the session keys an opened ECC client info carries. */
const SECRET_FIELDS = new Set(['ckey', 'skey'])
/** Byte fields shown as text when they are printable (client IDs, message bodies). */
const TEXT_FIELDS = new Set(['clientId', 'body', 'args', 'data'])

/** A JSON-ready copy of `value`: bytes as hex, bigints as decimal strings, session keys redacted. */
export function jsonValue(value: unknown, key = ''): unknown {
  if (SECRET_FIELDS.has(key)) return REDACTED
  if (value instanceof Uint8Array) return toHex(value)
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map((item) => jsonValue(item))
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonValue(v, k)
    return out
  }
  return value
}

/** ISO 8601 UTC time with the capture's nanoseconds. */
export function isoTime(timeNs: bigint): string {
  const seconds = timeNs / 1_000_000_000n
  const nanos = (timeNs % 1_000_000_000n).toString().padStart(9, '0')
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`)
}

/** One record as NDJSON fields (without `event`): everything decoded, bytes in hex, keys redacted. */
export function recordFields(record: CaptureRecord): Record<string, unknown> {
  const { index, timeNs, src, dst, size, decoded } = record
  const head = { index, time: isoTime(timeNs), src, dst, size, kind: decoded.kind }
  switch (decoded.kind) {
    case 'setup':
      return {
        ...head,
        counter: '0',
        message: jsonValue(decoded.message),
        ...(decoded.opened === undefined ? {} : { opened: jsonValue(decoded.opened) }),
        notes: decoded.notes,
      }
    case 'secure':
      return {
        ...head,
        counter: decoded.counter.toString(),
        direction: decoded.direction,
        client: decoded.client,
        message: jsonValue(decoded.message),
      }
    default:
      return {
        ...head,
        ...(decoded.counter === undefined ? {} : { counter: decoded.counter.toString() }),
        reason: decoded.reason,
        detail: decoded.detail,
      }
  }
}

/** Bytes for a text line: printable text quoted, else hex (long values shortened). */
function bytesText(key: string, bytes: Uint8Array): string {
  if (TEXT_FIELDS.has(key) && bytes.every((b) => b >= 0x20 && b <= 0x7e))
    return JSON.stringify(key === 'clientId' ? idLabel(bytes) : String.fromCharCode(...bytes))
  const hex = toHex(bytes)
  return hex.length <= 40 ? hex : `${hex.slice(0, 32)}…(${bytes.length} B)`
}

/** `key=value` pairs of a decoded message, `type` left out. */
function fieldsText(value: object): string {
  const parts: string[] = []
  for (const [key, v] of Object.entries(value)) {
    if (key === 'type' || v === undefined) continue
    if (SECRET_FIELDS.has(key)) parts.push(`${key}=${REDACTED}`)
    else if (v instanceof Uint8Array) parts.push(`${key}=${bytesText(key, v)}`)
    else if (typeof v === 'object' && v !== null) parts.push(`${key}={${fieldsText(v)}}`)
    else parts.push(`${key}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
  }
  return parts.join(' ')
}

/** What a decoded datagram says, for a text line. */
function decodedText(decoded: Decoded): string {
  switch (decoded.kind) {
    case 'setup': {
      const opened = decoded.opened === undefined ? '' : ` opened {${fieldsText(decoded.opened)}}`
      const notes = decoded.notes.length === 0 ? '' : ` (${decoded.notes.join('; ')})`
      return `setup ${decoded.message.type} ${fieldsText(decoded.message)}${opened}${notes}`
    }
    case 'secure': {
      const arrow = decoded.direction === 'client-to-server' ? 'c→s' : 's→c'
      return `#${decoded.counter} ${arrow} [${decoded.client}] ${decoded.message.type} ${fieldsText(decoded.message)}`
    }
    default:
      return `${decoded.counter === undefined ? '' : `#${decoded.counter} `}not decoded (${decoded.reason}): ${decoded.detail}`
  }
}

/**
 * One record as a line of text: packet number, seconds since `startNs`,
 * addresses, size and what it is.
 */
export function recordText(record: CaptureRecord, startNs: bigint): string {
  const elapsed = Number(record.timeNs - startNs) / 1e9
  return `${record.index} ${elapsed.toFixed(6)} ${record.src} → ${record.dst} ${record.size} B ${decodedText(record.decoded).trimEnd()}`
}
