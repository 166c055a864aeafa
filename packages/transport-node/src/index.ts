/**
 * The Pavillion UDP transport for Node.js: implements `@pavillion/core`'s
 * `Transport` over `node:dgram`, with the server's separate send socket, an
 * explicit-interface multicast setup and the client's announce listener
 * (PROTOCOL.md §2).
 *
 * @example
 * ```ts
 * import { createUdpTransport } from '@pavillion/transport-node'
 *
 * await using transport = await createUdpTransport({
 *   bind: { address: '0.0.0.0', port: 1783 },
 *   reuseAddress: true,
 *   separateSendSocket: true,
 *   multicast: { group: '239.255.28.12', interface: '192.168.1.10' },
 * })
 * transport.onError((error) => console.warn(error))
 * transport.onDatagram((bytes, from) => transport.send(from, bytes))
 * ```
 *
 * @packageDocumentation
 */
export { createUdpTransport } from './create-udp-transport.ts'
export { MulticastUnavailableError } from './multicast-unavailable-error.ts'
export { nodeRuntime } from './node-runtime.ts'
export { TransportClosedError } from './transport-closed-error.ts'
export type { UdpTransport } from './udp-transport.ts'
export type {
  AnnounceOptions,
  BindOptions,
  MulticastOptions,
  UdpTransportOptions,
} from './udp-transport-options.ts'
