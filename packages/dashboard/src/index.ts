/**
 * @packageDocumentation
 * A local web dashboard for a Pavillion network. Give it the clients and
 * servers of this process; it serves a page (on 127.0.0.1 by default) that
 * lists the servers and clients they know — sessions, RTT, status bytes,
 * last seen — shows live messages per target, calls RPC functions and
 * publishes through them, charts the engine counters over time, and lists
 * and charts the registers of each client node's server. Secrets
 * never reach the page. On any address that is not loopback a one-time
 * token is required; the WebSocket refuses other origins.
 *
 * @example
 * ```ts
 * import { startDashboard } from '@pavillion/dashboard'
 * import { createClient, createServer, generatePsk } from 'pavillion'
 *
 * const psk = await generatePsk()
 * const server = await createServer({ bind: '127.0.0.1', port: 1783, clients: { psk: { 'dashboard-000001': psk } } })
 * const client = await createClient({ address: '127.0.0.1:1783', clientId: 'dashboard-000001', psk })
 * const dashboard = await startDashboard({ clients: [client], port: 0 }) // default 8080
 * console.log(`open ${dashboard.url}`) // open http://127.0.0.1:
 * await dashboard.close()
 * await client.close()
 * await server.close()
 * ```
 */
export type { BytesView } from './bytes-view.ts'
export { COUNTERS, type CounterName, type CounterSample, MAX_SAMPLES } from './counter-history.ts'
export {
  type Dashboard,
  MAX_COMMANDS_PER_PAGE,
  MAX_PAGE_MESSAGE,
  MAX_PAGES,
  RECENT_MESSAGES,
  startDashboard,
} from './dashboard.ts'
export { type DiscoveredView, MAX_DISCOVERED } from './discovery-watcher.ts'
export { DashboardError } from './errors.ts'
export type { MessageView, NodeView, PeerView, StatusView } from './node-view.ts'
export { type DashboardOptions, isLoopback } from './options.ts'
export type { ErrorView } from './page-commands.ts'
export {
  MAX_REGISTERS_PER_SERVER,
  REGISTER_RATE_LIMIT_MS,
  type RegisterListView,
  type RegisterUpdateView,
  type RegisterView,
} from './register-watcher.ts'
