import { InvalidArgumentError } from '@pavillion/core'
import { type Datatype, isDatatype } from './codecs.ts'
import { REGISTER_REFUSALS, type RegisterRefusal } from './errors.ts'

// The two texts a register info packet (opcode 10) carries (README, "Wire rules"):
// a description "name, datatype, interface, description", or a status report
// "!<request opcode> <ok|refusal> <tag>[: message]" answering one request.

/** What a register declares about itself (opcode 10's "name, datatype, interface, description"). */
export interface RegisterDescription {
  /** Starts with a letter; letters, digits, `_`, `-`, `.`. */
  readonly name: string
  readonly datatype: Datatype
  /** An interface identifier (e.g. `pavillion.temperature`); may be empty; no comma. */
  readonly interface: string
  /** Free text; may be empty. */
  readonly description: string
  /** Whether the register has a writer. Sent as the description's prefix `[rw] ` (README). */
  readonly writable: boolean
}

const NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/
const SEPARATOR = ', '
const WRITABLE = '[rw] '

/**
 * Checks a name (and interface) for a declaration.
 * @throws InvalidArgumentError naming what is wrong
 */
export function checkNames(name: string, iface: string): void {
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 64) {
    throw new InvalidArgumentError(
      `a register name starts with a letter, then letters, digits, '_', '-' or '.' (≤ 64), got ${JSON.stringify(name)}`,
    )
  }
  if (typeof iface !== 'string' || iface.includes(',') || iface.length > 128) {
    throw new InvalidArgumentError(
      `a register interface has no comma and ≤ 128 characters, got ${JSON.stringify(iface)}`,
    )
  }
}

/** The description text of a register. */
export function formatDescription(d: RegisterDescription): string {
  const text = `${d.writable ? WRITABLE : ''}${d.description}`
  return [d.name, d.datatype, d.interface, text].join(SEPARATOR)
}

/** Parses a description text; undefined when it is not one. */
export function parseDescription(text: string): RegisterDescription | undefined {
  const parts: string[] = []
  let rest = text
  for (let i = 0; i < 3; i++) {
    const at = rest.indexOf(SEPARATOR)
    if (at < 0) return undefined
    parts.push(rest.slice(0, at))
    rest = rest.slice(at + SEPARATOR.length)
  }
  const [name, datatype, iface] = parts as [string, string, string]
  if (!NAME.test(name) || !isDatatype(datatype)) return undefined
  const writable = rest.startsWith(WRITABLE)
  return {
    name,
    datatype,
    interface: iface,
    description: writable ? rest.slice(WRITABLE.length) : rest,
    writable,
  }
}

/** A status report: which request it answers (its opcode and tag), and how. */
export interface StatusReport {
  readonly opcode: number
  readonly outcome: 'ok' | RegisterRefusal
  readonly tag: string
  readonly text: string
}

/** The text of a status report; `text` is cut to 200 characters. */
export function formatStatus(report: StatusReport): string {
  const text = report.text.length > 200 ? `${report.text.slice(0, 200)}…` : report.text
  return `!${report.opcode} ${report.outcome} ${report.tag}${text === '' ? '' : `: ${text}`}`
}

const STATUS = /^!(\d{1,3}) ([a-z-]+) ([0-9a-f]{8})(?:: ([\s\S]*))?$/

/** Parses a status report; undefined when the text is not one (or names an unknown outcome). */
export function parseStatus(text: string): StatusReport | undefined {
  const match = STATUS.exec(text)
  if (match === null) return undefined
  const outcome = match[2] as StatusReport['outcome']
  if (outcome !== 'ok' && !REGISTER_REFUSALS.includes(outcome)) return undefined
  return { opcode: Number(match[1]), outcome, tag: match[3]!, text: match[4] ?? '' }
}

/**
 * The tag of a request: FNV-1a (32 bit) of its plaintext, 8 hex digits. A
 * status report names the request it answers by this tag, since the register
 * layouts carry no request number.
 */
export function requestTag(plaintext: Uint8Array): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < plaintext.length; i++) {
    hash ^= plaintext[i]!
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}
