import {
  addressKey,
  type ClientInfo,
  InvalidArgumentError,
  type PeerAddress,
  type ServerInfo,
} from '@pavillion/core'
import { toHex } from '@pavillion/crypto'
import type { PavillionClient } from './client/pavillion-client.ts'
import type { PavillionServer } from './server/pavillion-server.ts'
import { RejectionLog } from './server/rejection-log.ts'

/** How much a record matters, least first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** One line a client or server reports: a level, the event it comes from, and a sentence. */
export interface LogRecord {
  readonly level: LogLevel
  /** The event's name (`session:opened`, `server:invalid-client-id`, `error`, …). */
  readonly event: string
  /** A sentence for people: who, what, why. Never key material. */
  readonly message: string
}

/** Receives the records at or above the chosen level. */
export type Logger = (record: LogRecord) => void

/**
 * The `log` option of `createServer` and `createClient`: a logger (which
 * hears `info` and above) or a logger with its level.
 */
export type LogOption = Logger | { readonly logger: Logger; readonly level?: LogLevel }

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

/**
 * Checks a `log` option and returns the function that logs what passes its level.
 * @throws InvalidArgumentError for anything else than a function or `{ logger, level? }`
 */
function loggerOf(option: LogOption): (level: LogLevel, event: string, message: string) => void {
  const logger = typeof option === 'function' ? option : option?.logger
  const level = typeof option === 'function' ? 'info' : (option?.level ?? 'info')
  if (typeof logger !== 'function')
    throw new InvalidArgumentError('"log" expected a function or { logger, level? }')
  const min = LEVELS.indexOf(level)
  if (min < 0)
    throw new InvalidArgumentError(`"log.level" expected one of ${LEVELS.join(', ')}, got ${String(level)}`)
  return (at, event, message) => {
    if (LEVELS.indexOf(at) >= min) logger({ level: at, event, message })
  }
}

/**
 * Reports a server's sessions, security warnings, rejected handshakes (at
 * most one line per IP address per 10 s, with the count withheld) and
 * non-fatal errors to `option`.
 */
export function logServer(server: PavillionServer, option: LogOption): void {
  const log = loggerOf(option)
  server.on('session:opened', ({ client }) =>
    log(
      'info',
      'session:opened',
      `session opened with ${clientName(client)} (${client.key}, ${suite(client)})`,
    ),
  )
  server.on('session:closed', ({ client, reason }) =>
    log('info', 'session:closed', `session with ${clientName(client)} (${client.key}) closed: ${reason}`),
  )
  server.on('security:leaked-secret-key', (detail) =>
    log(
      'warn',
      'security:leaked-secret-key',
      `client ${idName(detail.clientId)} (${addressKey(detail.address)}) sent its secret key in a handshake (reference client defect D1): replace its key pair`,
    ),
  )
  const rejections = new RejectionLog()
  server.on('handshake:rejected', ({ address, clientId, reason }) => {
    const withheld = rejections.admit(address)
    if (withheld === undefined) return
    const why = reason === 'unknown-client' ? 'unknown client ID or key' : 'wrong key (PSK or ECC)'
    log(
      'warn',
      'handshake:rejected',
      `rejected a handshake from ${addressKey(address)} claiming client ID ${idName(clientId)}: ${why}${withheld}`,
    )
  })
  server.on('error', (detail) => log('warn', 'error', reason(detail.error)))
}

/** Reports a client's servers, its rejections and non-fatal errors to `option`. */
export function logClient(client: PavillionClient, option: LogOption): void {
  const log = loggerOf(option)
  client.on('server:connected', ({ server }) =>
    log('info', 'server:connected', `connected to ${serverName(server)}`),
  )
  client.on('server:disconnected', ({ server, reason }) =>
    log('info', 'server:disconnected', `disconnected from ${serverName(server)}: ${reason}`),
  )
  client.on('server:invalid-client-id', ({ address }) =>
    log('warn', 'server:invalid-client-id', `${where(address)} does not know this client ID`),
  )
  client.on('server:auth-failed', ({ address }) =>
    log(
      'warn',
      'server:auth-failed',
      `${where(address)} answered but did not accept this client ID with this key`,
    ),
  )
  client.on('time:sync', ({ server, offset }) =>
    log('debug', 'time:sync', `clock of ${serverName(server)} is ${offset} µs off`),
  )
  client.on('error', (detail) => log('warn', 'error', reason(detail.error)))
}

/** A client as people read it: its ID as text when printable, else hex; a guest by its identity's prefix. */
function clientName(client: ClientInfo): string {
  return client.guest ? `guest ${toHex(client.identity).slice(0, 16)}…` : idName(client.clientId)
}

/** A client ID as people read it: text when printable, else hex. */
export function idName(id: Uint8Array): string {
  return id.every((byte) => byte >= 0x20 && byte < 0x7f) ? new TextDecoder().decode(id) : toHex(id)
}

const suite = (client: ClientInfo) => (client.suite === 1 ? 'psk' : 'ecc')
const serverName = (server: ServerInfo) => `server ${server.key}`
const where = (address: PeerAddress) => `server ${addressKey(address)}`
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error))
