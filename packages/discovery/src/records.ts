import { isIP } from 'node:net'
import { InvalidArgumentError } from '@pavillion/core'
import {
  HOST_RECORD_TTL,
  MAX_LABEL,
  OTHER_RECORD_TTL,
  SERVICE_TYPE,
  SERVICE_TYPE_ENUMERATION,
} from './constants.ts'
import type { MdnsRecord } from './mdns-links.ts'
import { encodeTxt, type ServiceInfo } from './service-info.ts'

/** Everything one advertisement claims: its instance and host names, port, addresses and TXT. */
export interface ServiceRecordSet {
  /** The instance label, e.g. `Kitchen controller` (RFC 6763 §4.1: any UTF-8, at most 63 bytes). */
  readonly label: string
  /** The host label its SRV points at, e.g. `pavillion-3f2a` (`.local` is added). */
  readonly host: string
  readonly port: number
  readonly addresses: readonly string[]
  readonly info: ServiceInfo
}

/** The full instance name: `<label>._pavillion._udp.local`. */
export function instanceName(label: string): string {
  return `${label}.${SERVICE_TYPE}`
}

/** The host name: `<host>.local`. */
export function hostName(host: string): string {
  return `${host}.local`
}

/** The instance label after the `n`th rename of RFC 6763 §9's style: `Name (2)`, `Name (3)`, … */
export function renamed(base: string, n: number): string {
  const suffix = ` (${n + 1})`
  return truncateUtf8(base, MAX_LABEL - suffix.length) + suffix
}

/** The records of `set`, with `ttl` scaled (0 for goodbyes). */
export function recordsOf(set: ServiceRecordSet, goodbye = false): MdnsRecord[] {
  const instance = instanceName(set.label)
  const host = hostName(set.host)
  const ttl = (normal: number) => (goodbye ? 0 : normal)
  const records: MdnsRecord[] = [
    { name: SERVICE_TYPE, type: 'PTR', ttl: ttl(OTHER_RECORD_TTL), data: instance },
    {
      name: instance,
      type: 'SRV',
      ttl: ttl(HOST_RECORD_TTL),
      flush: true,
      data: { target: host, port: set.port, priority: 0, weight: 0 },
    },
    { name: instance, type: 'TXT', ttl: ttl(OTHER_RECORD_TTL), flush: true, data: encodeTxt(set.info) },
    ...addressRecords(set, goodbye),
  ]
  if (!goodbye) {
    records.push({
      name: SERVICE_TYPE_ENUMERATION,
      type: 'PTR',
      ttl: OTHER_RECORD_TTL,
      data: SERVICE_TYPE,
    })
  }
  return records
}

/** The A and AAAA records of the set's host. */
export function addressRecords(set: ServiceRecordSet, goodbye = false): MdnsRecord[] {
  return set.addresses.map((address) => ({
    name: hostName(set.host),
    type: isIP(address) === 6 ? ('AAAA' as const) : ('A' as const),
    ttl: goodbye ? 0 : HOST_RECORD_TTL,
    flush: true,
    data: address.split('%')[0] ?? address,
  }))
}

/** DNS names compare case-insensitively (RFC 6762 §16). */
export function sameName(a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase()
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = ''
  for (const ch of text) {
    if (Buffer.byteLength(out + ch, 'utf8') > maxBytes) break
    out += ch
  }
  return out
}

/**
 * Checks an instance label: non-empty, at most 63 UTF-8 bytes, no control
 * characters and no `.` (the DNS codec splits names on dots without escapes).
 */
export function checkLabel(label: unknown, option: string): string {
  if (typeof label !== 'string' || label.length === 0) {
    throw new InvalidArgumentError(`"${option}" expected a non-empty name such as 'Kitchen controller'`)
  }
  if (Buffer.byteLength(label, 'utf8') > MAX_LABEL || label.includes('.') || hasControl(label)) {
    throw new InvalidArgumentError(
      `"${option}": a name is at most 63 UTF-8 bytes, without dots or control characters`,
    )
  }
  return label
}

function hasControl(text: string): boolean {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}

/**
 * True when two records carry the same name, type and data (TTL aside):
 * our own records looped back, or an identical claim, are no conflict.
 */
export function sameRecord(a: MdnsRecord, b: MdnsRecord): boolean {
  if (a.type !== b.type || typeof a.name !== 'string' || typeof b.name !== 'string') return false
  if (a.name.toLowerCase() !== b.name.toLowerCase()) return false
  return dataKey(a.data) === dataKey(b.data)
}

function dataKey(data: unknown): string {
  if (Buffer.isBuffer(data)) return `b:${data.toString('hex')}`
  if (typeof data === 'string') return `s:${data.toLowerCase()}`
  if (Array.isArray(data)) return `a:${data.map(dataKey).join('|')}`
  if (typeof data === 'object' && data !== null) {
    const { target, port } = data as { target?: unknown; port?: unknown }
    return `srv:${String(port)}/${String(target).toLowerCase()}`
  }
  return `?:${String(data)}`
}
