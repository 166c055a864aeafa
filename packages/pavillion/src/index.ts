/**
 * @packageDocumentation
 * Pavillion for Node.js in one install: encrypted, brokerless UDP messaging
 * for devices on a LAN. `createServer()` and `createClient()` give you the
 * engine with numbered RPC calls and publish/subscribe attached, the
 * protocol's defaults (port 1783; multicast group 239.255.28.12 when you ask
 * for multicast, always with an explicit interface), typed `noun:verb`
 * events, `{ signal }` on every async method and `await using` on every
 * object. Key helpers and every error class are exported here; the layers
 * underneath are available as `pavillion/wire`, `pavillion/crypto`,
 * `pavillion/core`, `pavillion/testing`, `pavillion/transport-node`,
 * `pavillion/rpc`, `pavillion/files`, `pavillion/pubsub` and `pavillion/registers`.
 *
 * @example
 * ```ts
 * import { createClient, createServer, generatePsk } from 'pavillion'
 *
 * const psk = await generatePsk()
 * await using server = await createServer({
 *   bind: '127.0.0.1',
 *   port: 1783,
 *   clients: { psk: { 'kitchen-sensor-1': psk } },
 * })
 * server.rpc.handle(401, (args) => args.slice().reverse(), { name: 'reverse' })
 * server.subscribe('lights', (m) => console.log('lights:', m.name, new TextDecoder().decode(m.payload)))
 *
 * await using client = await createClient({
 *   address: `127.0.0.1:${server.address.port}`,
 *   clientId: 'kitchen-sensor-1',
 *   psk,
 * })
 * const reversed = await client.call(401, 'stressed', { timeout: 2000 })
 * console.log(new TextDecoder().decode(reversed)) // desserts
 * const report = await client.publish('lights', 'kitchen', 'on')
 * const acked = report.acked.map((s) => s.key)
 * console.log(report.outcome, acked) // acknowledged [ '127.0.0.1:…' ]
 * ```
 */
export {
  type AddressInput,
  type HostPort,
  type ParseAddressOptions,
  parseAddress,
  resolveAddress,
} from './address.ts'
export { AuthenticationError, type AuthFailureReason } from './client/auth-refusal.ts'
export type { PavillionClientOptions } from './client/client-options.ts'
export { createClient } from './client/create-client.ts'
export type {
  ClientDiscoveryOptions,
  ServerMovedDetail,
  ServerSelector,
} from './client/discovered-server.ts'
export {
  type ClientParts,
  PavillionClient,
  type PavillionClientEvents,
  type PavillionClientStats,
} from './client/pavillion-client.ts'
export {
  exportKey,
  generateKeyPair,
  generatePsk,
  type KeyInput,
  publicKeyOf,
} from './keys.ts'
export { type Logger, type LogLevel, type LogOption, type LogRecord, logClient, logServer } from './log.ts'
export { describeDatagram, type PacketTrace, type PacketTracer } from './packet-trace.ts'
export type { Payload } from './payload.ts'
export type { ServerAdvertiseOptions } from './server/advertise-server.ts'
export { createServer } from './server/create-server.ts'
export {
  PavillionServer,
  type PavillionServerEvents,
  type PavillionServerStats,
  type ServerParts,
} from './server/pavillion-server.ts'
export {
  DEFAULT_RESERVED,
  type PavillionServerOptions,
  type ServerClients,
  type ServerMulticastOptions,
} from './server/server-options.ts'

// ---- From the layers underneath: what applications of the umbrella use most ----

/** Engine types, constants and errors (`pavillion/core` has everything). */
export {
  type AbortOptions,
  BackpressureError,
  type ClientInfo,
  type ClientRegistry,
  type ClientState,
  ClosedError,
  type CloseReason,
  DEFAULT_MULTICAST_GROUP,
  DEFAULT_PORT,
  InvalidArgumentError,
  isMulticast,
  type Listener,
  MemoryClientRegistry,
  PavillionError,
  type PavillionErrorCode,
  type PeerAddress,
  type ServerConnection,
  type ServerConnectionState,
  type ServerInfo,
  TimeoutError,
} from '@pavillion/core'
/** Key classes and parsing (`pavillion/crypto` has everything). */
export {
  fromHex,
  type KeyPair,
  PresharedKey,
  parseClientId,
  parsePsk,
  parsePublicKey,
  parseSecretKey,
  SecretKey,
  toHex,
} from '@pavillion/crypto'
/** Discovery (`pavillion/discovery` has everything). */
export {
  type DiscoveredServer,
  DiscoveryError,
  type DiscoveryEvent,
  discover,
  fingerprintOf,
} from '@pavillion/discovery'
/** Pub/sub types and errors (`pavillion/pubsub` has everything). */
export {
  ALL_TARGETS,
  type ClientPublishOptions,
  type Message,
  MessageStream,
  NoAcknowledgementError,
  type PublishReport,
  type ServerPublishOptions,
  type StreamOptions,
} from '@pavillion/pubsub'
/** Register types and errors (`pavillion/registers` has everything). */
export {
  DATATYPES,
  type Datatype,
  isDatatype,
  parseValue,
  type ReadAllResult,
  type RegisterInfo,
  RegisterMalformedError,
  RegisterRefusedError,
  type RegisterUpdate,
  type RegisterValue,
  RegisterWriteError,
} from '@pavillion/registers'
/** RPC types and errors (`pavillion/rpc` has everything). */
export {
  type CallAllResult,
  type CallOptions,
  RemoteError,
  type ReservedOptions,
  RpcError,
  type RpcHandler,
  RpcStatus,
  rpcStatusName,
} from '@pavillion/rpc'
/** The transport's errors (`pavillion/transport-node` has everything). */
export { MulticastUnavailableError, TransportClosedError } from '@pavillion/transport-node'
/** Wire types the API surfaces (`pavillion/wire` has everything). */
export { type DeviceStatus, type Identity, type StatusInput, WireDecodeError } from '@pavillion/wire'
