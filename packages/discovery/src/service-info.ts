import { createHash } from 'node:crypto'
import { isIP } from 'node:net'
import { InvalidArgumentError } from '@pavillion/core'
import { MAX_TXT_STRING } from './constants.ts'

/** A cipher suite a server accepts, as its TXT record names it. */
export type SuiteName = 'psk' | 'ecc'

/** What a Pavillion server says about itself in its TXT record (RFC 6763 §6). */
export interface ServiceInfo {
  /** A human name, e.g. `Kitchen controller`. */
  readonly name: string
  /** The cipher suites it accepts. */
  readonly suites: readonly SuiteName[]
  /** {@link fingerprintOf} its X25519 public key (ECC suite); never a secret. */
  readonly fingerprint?: string
  /** The multicast group it listens on, if any. */
  readonly group?: string
  /** The protocol version (`1`). */
  readonly version: string
}

const SUITES: readonly SuiteName[] = ['psk', 'ecc']
const FINGERPRINT = /^[0-9a-f]{32}$/

/**
 * The fingerprint of a public key as advertised: the first 16 bytes of its
 * SHA-256, in lowercase hex. It identifies a key; it proves nothing (anyone
 * can advertise it), so the handshake still checks the key itself.
 */
export function fingerprintOf(publicKey: Uint8Array): string {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new InvalidArgumentError('fingerprintOf expected a 32-byte X25519 public key')
  }
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 32)
}

/** Encodes `info` as TXT strings (`key=value`), each within 255 bytes. */
export function encodeTxt(info: ServiceInfo): Buffer[] {
  const pairs: [string, string][] = [
    ['v', info.version],
    ['name', info.name],
    ['suites', info.suites.join(',')],
  ]
  if (info.fingerprint !== undefined) pairs.push(['fp', info.fingerprint])
  if (info.group !== undefined) pairs.push(['group', info.group])
  return pairs.map(([key, value]) => {
    const bytes = Buffer.from(`${key}=${value}`, 'utf8')
    if (bytes.length > MAX_TXT_STRING) throw new InvalidArgumentError(`TXT "${key}" is longer than 255 bytes`)
    return bytes
  })
}

/**
 * Decodes a TXT record from the network into a {@link ServiceInfo}, or
 * undefined when it is not a usable Pavillion record. Unknown keys are
 * ignored, the first occurrence of a key wins (RFC 6763 §6.4), and every
 * value is checked: nothing here throws on hostile input.
 */
export function decodeTxt(data: unknown, fallbackName: string): ServiceInfo | undefined {
  const strings = Array.isArray(data) ? data : [data]
  const values = new Map<string, string>()
  for (const item of strings.slice(0, 32)) {
    const text = typeof item === 'string' ? item : Buffer.isBuffer(item) ? item.toString('utf8') : undefined
    if (text === undefined || text.length > MAX_TXT_STRING) continue
    const eq = text.indexOf('=')
    if (eq <= 0) continue
    const key = text.slice(0, eq).toLowerCase()
    if (!values.has(key)) values.set(key, text.slice(eq + 1))
  }
  const version = values.get('v')
  if (version === undefined || !/^\d{1,3}$/.test(version)) return undefined
  const suites = (values.get('suites') ?? '')
    .split(',')
    .filter((s): s is SuiteName => (SUITES as readonly string[]).includes(s))
  const fingerprint = values.get('fp')?.toLowerCase()
  const group = values.get('group')
  const name = values.get('name') ?? fallbackName
  return {
    name: name.length > 0 && name.length <= 128 ? name : fallbackName,
    suites: [...new Set(suites)],
    version,
    ...(fingerprint !== undefined && FINGERPRINT.test(fingerprint) ? { fingerprint } : {}),
    ...(group !== undefined && isIP(group) !== 0 ? { group } : {}),
  }
}
