import type { PeerAddress } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import type { Impairment } from '@pavillion/core/testing'
import { checkImpairment } from './decide.ts'

/** Which way a datagram crosses the proxy: from a client to the target, or back. */
export type Direction = 'toTarget' | 'fromTarget'

/** An `Impairment` of `@pavillion/core/testing`, plus the delays only real sockets need. */
export interface ProxyImpairment extends Impairment {
  /** Added to every surviving datagram before it is forwarded, ms. Default 0. */
  readonly delay?: number
  /** Extra delay drawn uniformly from [0, jitter) per datagram, ms (datagrams may overtake each other). Default 0. */
  readonly jitter?: number
}

/** The proxy's bounds. */
export interface ProxyLimits {
  /** Upstream sockets (one per client source) held at once; the least recently used is closed past this. */
  readonly maxUpstreams: number
  /** Datagrams held at once (delayed or held back for reordering), both directions; more are dropped as `overflow`. */
  readonly maxHeld: number
  /** Longest a reordered datagram waits for the later ones meant to overtake it, ms. */
  readonly maxHoldTime: number
}

/** Defaults of {@link ProxyLimits}. */
export const DEFAULT_PROXY_LIMITS: ProxyLimits = { maxUpstreams: 1024, maxHeld: 4096, maxHoldTime: 50 }

/** Options of `startImpairmentProxy()`. */
export interface ImpairmentProxyOptions {
  /** The socket every client's datagrams go to. Must be on 127.0.0.1. */
  readonly target: PeerAddress
  /** Seed of the generators behind every decision (one per client and direction, derived from it). Default 1. */
  readonly seed?: number
  /** What happens to datagrams from clients to the target. Default: nothing. */
  readonly toTarget?: ProxyImpairment
  /** What happens to datagrams from the target back to clients. Default: nothing. */
  readonly fromTarget?: ProxyImpairment
  /** Bounds; see {@link DEFAULT_PROXY_LIMITS}. */
  readonly limits?: Partial<ProxyLimits>
}

/** The only address the proxy listens on and sends to. */
export const LOOPBACK = '127.0.0.1'

/**
 * Checks a proxy impairment (rates, delays).
 * @throws InvalidArgumentError naming the first bad field
 */
export function checkProxyImpairment(impairment: ProxyImpairment): void {
  checkImpairment(impairment)
  for (const name of ['delay', 'jitter'] as const) {
    const value = impairment[name]
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new InvalidArgumentError(`impairment ${name} must be a finite number of ms ≥ 0 (got ${value})`)
  }
}

/**
 * Checks the options and fills in the defaults.
 * @throws InvalidArgumentError for a target off 127.0.0.1, a bad port, a bad impairment or a bad limit
 */
export function resolveProxyOptions(options: ImpairmentProxyOptions): {
  target: PeerAddress
  seed: number
  toTarget: ProxyImpairment
  fromTarget: ProxyImpairment
  limits: ProxyLimits
} {
  const { target } = options
  if (target.address !== LOOPBACK)
    throw new InvalidArgumentError(`the proxy only talks to ${LOOPBACK} (target was ${target.address})`)
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535)
    throw new InvalidArgumentError(`target port must be 1–65535 (got ${target.port})`)
  const toTarget = options.toTarget ?? {}
  const fromTarget = options.fromTarget ?? {}
  checkProxyImpairment(toTarget)
  checkProxyImpairment(fromTarget)
  const limits = { ...DEFAULT_PROXY_LIMITS, ...options.limits }
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1)
      throw new InvalidArgumentError(`limits.${name} must be a positive integer (got ${value})`)
  }
  return { target, seed: options.seed ?? 1, toTarget, fromTarget, limits }
}
