/**
 * @packageDocumentation
 * Pavillion discovery: DNS-SD over multicast DNS (RFC 6762 / RFC 6763), so
 * that `pavillion discover`, avahi-browse, dns-sd and Home Assistant see
 * Pavillion devices on a LAN. Servers advertise `_pavillion._udp` with their
 * port and a TXT record (accepted cipher suites, X25519 key fingerprint,
 * multicast group, human name, protocol version); clients browse with
 * `discover()`, resolve `.local` names, and follow a server that moves with
 * `RedirectTransport`. Every record is untrusted: it says where to try, and
 * the handshake decides. Interfaces are always explicit.
 *
 * @example
 * ```ts
 * import { advertise, discover } from '@pavillion/discovery'
 *
 * await using ad = await advertise({
 *   interfaces: ['127.0.0.1'],
 *   name: 'Kitchen controller',
 *   port: 1783,
 *   addresses: ['127.0.0.1'],
 *   info: { name: 'Kitchen controller', suites: ['psk'], version: '1' },
 * })
 * for await (const { type, server } of discover({ interfaces: ['127.0.0.1'], timeoutMs: 2000 })) {
 *   console.log(type, server.instance, server.addresses, server.port)
 * }
 * ```
 */
export {
  Advertisement,
  type AdvertisementEvents,
  type AdvertiseOptions,
  advertise,
} from './advertiser.ts'
export { type BrowseOptions, Browser, type BrowserEvents, type BrowserStats, browse } from './browser.ts'
export {
  DEFAULT_MAX_SERVICES,
  MDNS_GROUP_V4,
  MDNS_GROUP_V6,
  MDNS_PORT,
  PROTOCOL_VERSION,
  SERVICE_TYPE,
} from './constants.ts'
export { type DiscoverOptions, type DiscoveryEvent, discover } from './discover.ts'
export {
  type DiscoveryAttempt,
  DiscoveryError,
  type DiscoveryErrorCode,
  type DiscoveryFailure,
} from './errors.ts'
export type { LinkOptions } from './mdns-links.ts'
export { RedirectTransport } from './redirect-transport.ts'
export { isLocalName, type ResolveLocalOptions, resolveLocalName } from './resolve-local.ts'
export { type ServerJson, serverJson } from './server-json.ts'
export { decodeTxt, encodeTxt, fingerprintOf, type ServiceInfo, type SuiteName } from './service-info.ts'
export { type DiscoveredServer, ServiceTable, type TableChange } from './service-table.ts'
