/**
 * Test doubles for the Pavillion engine: an in-memory, deterministic datagram
 * network with seeded impairments, and the `Transport` contract suite every
 * transport implementation runs.
 *
 * @example
 * ```ts
 * import { MemoryNetwork } from '@pavillion/core/testing'
 *
 * const net = new MemoryNetwork({ seed: 42 })
 * const client = net.createTransport()
 * const server = net.createTransport({ address: '127.0.0.1', port: 1783 })
 * net.impair({ to: server.localAddress() }, { loss: 0.2 })
 * server.onDatagram((bytes, from) => server.send(from, bytes))
 * client.send(server.localAddress(), new Uint8Array([1]))
 * net.drain()
 * ```
 *
 * @packageDocumentation
 */
export type { BurstLoss, Impairment, LinkSelector } from './impairment.ts'
export { ManualRuntime } from './manual-runtime.ts'
export type { MemoryNetworkOptions, NetworkStats, SentDatagram } from './memory-network.ts'
export { MemoryNetwork } from './memory-network.ts'
export type { MemoryTransportOptions } from './memory-transport.ts'
export { MemoryTransport } from './memory-transport.ts'
export { MemoryTransportClosedError } from './memory-transport-closed-error.ts'
export { allZero, ownedKeys } from './owned-keys.ts'
export type { SeededRandom } from './seeded-random.ts'
export { createSeededRandom } from './seeded-random.ts'
export {
  SIM_GROUP,
  SIM_SERVER,
  type SimClientOptions,
  type SimServerOptions,
  SimWorld,
  type SimWorldOptions,
} from './sim-world.ts'
export { type SimIdentity, type TestClientOptions, TestKeys } from './test-keys.ts'
export type { SuiteRunner, TransportFixture, TransportFixtureFactory } from './transport-suite.ts'
export { transportSuite } from './transport-suite.ts'
