/**
 * @packageDocumentation
 * Helpers for tests over real UDP on loopback, defined once for the whole
 * repository: a free port, waiting for a condition, the test group, and the
 * probe that tells whether loopback multicast works here (tests skip
 * without it). `@pavillion/test-utils` re-exports them for the packages above.
 */
export { canBind, freePort, GROUP, loopbackMulticastProblem, waitUntil } from './udp-helpers.ts'
