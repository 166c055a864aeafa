/**
 * @packageDocumentation
 * The Pavillion protocol engine. `ClientEndpoint` and `ServerEndpoint` are
 * sans-I/O state machines: datagrams and the current time go in; datagrams,
 * events and the next deadline come out. They hold the handshakes (PSK and
 * ECC), session keys, replay windows, the reliability engine (retransmission
 * with per-peer RTT, delivery reports) and every bound on state. `Client` and
 * `Server` drive them over any `Transport` with one timer; the RPC and
 * pub/sub layers build on those.
 *
 * @example
 * ```ts
 * import { loadCrypto, parsePsk } from '@pavillion/crypto'
 * import { Client, MemoryClientRegistry, Server } from '@pavillion/core'
 * import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
 *
 * const crypto = await loadCrypto()
 * const clientId = new TextEncoder().encode('sensor-0000000001')
 * const psk = crypto.generatePsk()
 * const server = new Server({
 *   crypto, runtime: nodeRuntime(), clients: new MemoryClientRegistry().addPsk(clientId, psk),
 *   transport: await createUdpTransport({ bind: { address: '127.0.0.1', port: 1783 } }),
 * })
 * const client = new Client({
 *   crypto, runtime: nodeRuntime(), destination: { address: '127.0.0.1', port: 1783 },
 *   credentials: { type: 'psk', clientId, psk },
 *   transport: await createUdpTransport({ bind: { address: '127.0.0.1' } }),
 * })
 * await client.waitForServer({ timeout: 2000 })
 * await client.close()
 * await server.close()
 * ```
 */
export { isMulticast, sameAddress } from './addressing.ts'
export {
  Client,
  type ClientEventMap,
  type ClientOptions,
  type ClientTrackedSendOptions,
} from './api/client.ts'
export type { ClientState, StateChangeEvent } from './api/client-state.ts'
export { Emitter, type Listener } from './api/emitter.ts'
export type { FacadeEventMap, HandleOptions, OpcodeHandler, TrackedSend } from './api/facade.ts'
export { type AbortOptions, DEFAULT_SEND_TIMEOUT, type TrackedSendOptions } from './api/options.ts'
export { Server, type ServerEventMap, type ServerOptions, type ServerSendOptions } from './api/server.ts'
export { ClientEndpoint, type ClientSendRequest, type ServerConnection } from './client/client-endpoint.ts'
export {
  type ClientEndpointOptions,
  type ClientFixedValues,
  type ClientLimits,
  type ClientTiming,
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_CLIENT_TIMING,
} from './client/client-options.ts'
export type { ClientCredentials, EccCredentials, PskCredentials } from './client/credentials.ts'
export type { ServerConnectionState } from './client/server-life.ts'
export * from './constants.ts'
export type { Expectation } from './delivery-tracker.ts'
export {
  BackpressureError,
  ClosedError,
  InvalidArgumentError,
  PavillionError,
  type PavillionErrorCode,
  SessionEndedError,
  type SessionEndReason,
  TimeoutError,
} from './errors.ts'
export type {
  ClientEvent,
  ClientInfo,
  CloseReason,
  DeliveryReport,
  HandshakeRejectedEvent,
  MessageEvent,
  OpcodeEvent,
  ServerEvent,
  ServerInfo,
  Transmit,
} from './events.ts'
export type { ClientInfoJson, ServerInfoJson } from './peer-info.ts'
export { type ReplayVerdict, ReplayWindow } from './replay-window.ts'
export { DEFAULT_RTT_OPTIONS, RttEstimator, type RttOptions } from './rtt-estimator.ts'
export { type DrivenEndpoint, Driver } from './runtime/driver.ts'
export type { Runtime } from './runtime/runtime.ts'
export { SequenceMap } from './sequence-map.ts'
export { type ClientRegistry, MemoryClientRegistry } from './server/client-registry.ts'
export type { ReplyLimits } from './server/reply-budget.ts'
export { ServerEndpoint, type ServerSendRequest, type ServerSendResult } from './server/server-endpoint.ts'
export {
  DEFAULT_SERVER_LIMITS,
  DEFAULT_SESSION_TIMEOUT,
  type ServerEndpointOptions,
  type ServerLimits,
  serverLimitsOf,
} from './server/server-options.ts'
export type { EndpointStats } from './stats.ts'
export {
  addressKey,
  type DatagramHandler,
  type PeerAddress,
  type Transport,
  type TransportErrorHandler,
} from './transport.ts'
