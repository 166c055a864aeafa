/**
 * @packageDocumentation
 * Helpers for tests over real UDP on loopback, defined once for the whole
 * repository: a real-UDP test world on loopback (`LoopbackWorld`), a free port, waiting for a condition, the test group, the
 * probe that tells whether loopback multicast works here (tests skip
 * without it), and the check that refuses mDNS outside a private namespace. `@pavillion/test-utils` re-exports them for the packages above.
 */
export {
  type LoopbackClientOptions,
  type LoopbackServerOptions,
  LoopbackWorld,
  loopbackClientTransport,
  loopbackServerTransport,
} from './loopback-world.ts'
export { notInPrivateNamespace } from './namespace.ts'
export { canBind, eventually, freePort, GROUP, loopbackMulticastProblem, waitUntil } from './udp-helpers.ts'
