import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import type { PavillionClient, PavillionServer } from 'pavillion'
import { DashboardError } from './errors.ts'

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** Clients this node runs: the page lists the servers each one knows and calls and publishes through them. */
  readonly clients?: readonly PavillionClient[]
  /** Servers this node hosts: the page lists their sessions (the clients connected to them). */
  readonly servers?: readonly PavillionServer[]
  /** HTTP port; 0 lets the OS choose (read `dashboard.url`). Default 8080. */
  readonly port?: number
  /**
   * IP address to listen on. Default `127.0.0.1`. Any address that is not
   * loopback makes the dashboard require a one-time token (`dashboard.token`).
   */
  readonly bind?: string
  /** The interval between two counter samples, ms (default 1000, 100–60000). */
  readonly sampleInterval?: number
  /**
   * Browse DNS-SD (`_pavillion._udp`) on these interfaces (IP addresses of
   * this host, as `pavillion/discovery` takes them) and list the servers
   * found. Default off: nothing is multicast unless asked.
   */
  readonly discovery?: { readonly interfaces: readonly string[] }
}

/** The options after checking, with the token decided. */
export interface ResolvedOptions {
  readonly clients: readonly PavillionClient[]
  readonly servers: readonly PavillionServer[]
  readonly port: number
  readonly bind: string
  readonly loopback: boolean
  /** The one-time token, 32 hex characters, when `bind` is not loopback. */
  readonly token: string | undefined
  readonly sampleInterval: number
  /** The interfaces to browse on, when discovery is on. */
  readonly discovery: readonly string[] | undefined
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || address === '::1'
}

/**
 * Checks the options and draws the token when one is needed.
 * @throws DashboardError for a missing node list, a bad port, bind address or interval
 */
export function resolveOptions(options: DashboardOptions): ResolvedOptions {
  const clients = options.clients ?? []
  const servers = options.servers ?? []
  const discovery = discoveryOf(options.discovery)
  if (clients.length + servers.length === 0 && discovery === undefined) {
    throw new DashboardError(
      'clients',
      'give at least one client or server, or discovery interfaces, for the dashboard to show',
    )
  }
  const port = options.port ?? 8080
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DashboardError('port', `expected an integer 0–65535, got ${String(port)}`)
  }
  const bind = options.bind ?? '127.0.0.1'
  if (isIP(bind) === 0) throw new DashboardError('bind', `expected an IP address, got "${bind}"`)
  const sampleInterval = options.sampleInterval ?? 1000
  if (!Number.isInteger(sampleInterval) || sampleInterval < 100 || sampleInterval > 60_000) {
    throw new DashboardError(
      'sampleInterval',
      `expected an integer 100–60000 ms, got ${String(sampleInterval)}`,
    )
  }
  const loopback = isLoopback(bind)
  return {
    clients,
    servers,
    port,
    bind,
    loopback,
    token: loopback ? undefined : randomBytes(16).toString('hex'),
    sampleInterval,
    discovery,
  }
}

/** The most interfaces discovery browses on. */
const MAX_INTERFACES = 16

function discoveryOf(option: DashboardOptions['discovery']): readonly string[] | undefined {
  if (option === undefined) return undefined
  const interfaces: unknown = (option as { interfaces?: unknown }).interfaces
  if (
    !Array.isArray(interfaces) ||
    interfaces.length === 0 ||
    interfaces.length > MAX_INTERFACES ||
    !interfaces.every((i) => typeof i === 'string' && isIP(i.split('%')[0] ?? '') !== 0)
  ) {
    throw new DashboardError(
      'discovery',
      `expected discovery.interfaces: 1–${MAX_INTERFACES} IP addresses of this host (IPv6 with %zone)`,
    )
  }
  return [...(interfaces as string[])]
}
