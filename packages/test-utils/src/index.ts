/**
 * @packageDocumentation
 * Test-only helpers for Pavillion over real sockets: a loopback UDP
 * impairment proxy that loses (Bernoulli and Gilbert–Elliott bursts),
 * duplicates, reorders, delays, corrupts and blackholes datagrams between
 * clients and one target, with the `Impairment` type and seeded generator of
 * `@pavillion/core/testing`. Private; never published.
 *
 * @example
 * ```ts
 * import { startImpairmentProxy } from '@pavillion/test-utils'
 *
 * await using proxy = await startImpairmentProxy({
 *   target: { address: '127.0.0.1', port: 1783 },
 *   seed: 7,
 *   toTarget: { loss: 0.3, burst: { pGoodToBad: 0.05, pBadToGood: 0.5 } },
 *   fromTarget: { duplicate: 0.1, reorder: 0.25, delay: 5, jitter: 5 },
 * })
 * // point clients at proxy.address instead of the target
 * proxy.setImpairment('toTarget', { blackhole: true })
 * proxy.setImpairment('toTarget', {})
 * console.log(proxy.stats.toTarget.dropped)
 * ```
 */

export {
  canBind,
  eventually,
  freePort,
  GROUP,
  loopbackMulticastProblem,
  notInPrivateNamespace,
  waitUntil,
} from '@pavillion/transport-node/testing'
export { type BurstState, checkImpairment, decide, type Fate } from './decide.ts'
export { flipRandomBit } from './flip-bit.ts'
export { ImpairmentProxy, startImpairmentProxy, type Upstream } from './impairment-proxy.ts'
export {
  type LossyTransport,
  type LossyTransportOptions,
  type LossyTransportStats,
  lossyTransport,
} from './lossy-transport.ts'
export { ProgressLine, type ProgressStream, wantsProgress } from './progress-line.ts'
export {
  DEFAULT_PROXY_LIMITS,
  type Direction,
  type ImpairmentProxyOptions,
  type ProxyImpairment,
  type ProxyLimits,
} from './proxy-options.ts'
export type { DirectionStats, ProxyStats } from './proxy-stats.ts'
export {
  type ReferenceClientOptions,
  ReferenceLikeClient,
  type ReferenceServerView,
} from './reference-client.ts'
export { REFERENCE_RELIABLE_SCHEDULE, type ReferenceSendResult } from './reference-reliable.ts'
export type { ReferenceCredentials } from './reference-setup.ts'
export { collector, type MemorySample, sampleMemory } from './soak-measure.ts'
