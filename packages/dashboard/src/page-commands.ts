import type { CallAllResult, PublishReport } from 'pavillion'
import { PavillionError } from 'pavillion'
import { bytesFrom } from './bytes-view.ts'

/** The longest text field the page may send (target, name, arguments, payload). */
const MAX_FIELD = 8192
/** The longest timeout the page may ask for, ms. */
const MAX_TIMEOUT = 30_000

/** A call the page asked for: `fn` on the servers of client node `node` (first answer, or every answer with `all`). */
export interface CallCommand {
  readonly type: 'call'
  readonly id: number
  readonly node: string
  readonly fn: number
  readonly args: Uint8Array
  readonly timeout: number
  readonly all: boolean
}

/** A publish the page asked for, from client or server node `node`. */
export interface PublishCommand {
  readonly type: 'publish'
  readonly id: number
  readonly node: string
  readonly target: string
  readonly name: string
  readonly payload: Uint8Array
  readonly reliable: boolean
  readonly timeout: number
}

/** What the page may ask for. */
export type PageCommand = CallCommand | PublishCommand

/** Why a message from the page was refused (sent back as an error with its `id` when it had one). Code `ERR_INVALID_ARGUMENT`. */
export class InvalidCommand extends PavillionError {
  readonly id: number | null

  static override readonly brand: symbol = Symbol.for('pavillion.error.InvalidCommand')

  constructor(id: number | null, message: string) {
    super('ERR_INVALID_ARGUMENT', message)
    this.name = 'InvalidCommand'
    this.id = id
  }
}

type Fields = Record<string, unknown>

function integer(fields: Fields, key: string, min: number, max: number, id: number | null): number {
  const value = fields[key]
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidCommand(id, `"${key}" must be an integer ${min}–${max}`)
  }
  return value
}

function text(fields: Fields, key: string, id: number, min = 0): string {
  const value = fields[key]
  if (typeof value !== 'string' || value.length < min || value.length > MAX_FIELD) {
    throw new InvalidCommand(id, `"${key}" must be a string of ${min}–${MAX_FIELD} characters`)
  }
  return value
}

function bytes(fields: Fields, key: string, id: number): Uint8Array {
  const encoding = fields.encoding ?? 'text'
  if (encoding !== 'text' && encoding !== 'hex')
    throw new InvalidCommand(id, '"encoding" must be "text" or "hex"')
  const out = bytesFrom(text(fields, key, id), encoding)
  if (out === undefined) throw new InvalidCommand(id, `"${key}" is not hex (pairs of 0-9 a-f)`)
  return out
}

function flag(fields: Fields, key: string, fallback: boolean, id: number): boolean {
  const value = fields[key] ?? fallback
  if (typeof value !== 'boolean') throw new InvalidCommand(id, `"${key}" must be true or false`)
  return value
}

/**
 * Parses one WebSocket message from the page. Everything is checked: a
 * JSON object of a known `type`, integers in range, strings bounded.
 * @throws InvalidCommand for anything else (never another error)
 */
export function parseCommand(raw: string): PageCommand {
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw new InvalidCommand(null, 'not JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidCommand(null, 'expected a JSON object')
  }
  const fields = parsed as Fields
  const id = integer(fields, 'id', 0, 2 ** 31 - 1, null)
  const node = text(fields, 'node', id, 1)
  const timeout = integer(fields, 'timeout', 1, MAX_TIMEOUT, id)
  switch (fields.type) {
    case 'call':
      return {
        type: 'call',
        id,
        node,
        fn: integer(fields, 'fn', 0, 65535, id),
        args: bytes(fields, 'args', id),
        timeout,
        all: flag(fields, 'all', false, id),
      }
    case 'publish':
      return {
        type: 'publish',
        id,
        node,
        target: text(fields, 'target', id, 1),
        name: text(fields, 'name', id),
        payload: bytes(fields, 'payload', id),
        reliable: flag(fields, 'reliable', true, id),
        timeout,
      }
    default:
      throw new InvalidCommand(id, '"type" must be "call" or "publish"')
  }
}

/** An error as the page shows it: class, code, message, and the RPC status for remote failures. */
export interface ErrorView {
  readonly name: string
  readonly code: string | null
  readonly message: string
  readonly status: number | null
  readonly statusName: string | null
}

/** The longest error message sent to the page. */
const MAX_MESSAGE = 300

/** The view of anything thrown: never a stack, never more than {@link MAX_MESSAGE} characters. */
export function errorView(error: unknown): ErrorView {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>
  const message = String(error instanceof Error ? error.message : error).replace(/\s+/g, ' ')
  return {
    name: error instanceof Error ? error.name : 'Error',
    code: typeof e.code === 'string' ? e.code : null,
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
    status: typeof e.status === 'number' ? e.status : null,
    statusName: typeof e.statusName === 'string' ? e.statusName : null,
  }
}

/** A delivery report with peers named by their address keys. */
export function reportView(report: PublishReport<{ readonly key: string }>): {
  outcome: string
  acked: string[]
  missing: string[]
} {
  return {
    outcome: report.outcome,
    acked: report.acked.map((p) => p.key),
    missing: report.missing.map((p) => p.key),
  }
}

/** The servers of a `callAll` with their result or error. */
export function callAllView(
  results: readonly CallAllResult[],
  view: (bytes: Uint8Array) => unknown,
): unknown[] {
  return results.map((r) =>
    'result' in r
      ? { server: r.server.key, result: view(r.result) }
      : { server: r.server.key, error: errorView(r.error) },
  )
}
