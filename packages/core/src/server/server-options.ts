import type { KeyPair, PavillionCrypto } from '@pavillion/crypto'
import {
  DEFAULT_HANDSHAKE_CPU_SHARE,
  DEFAULT_KNOWN_FOR,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_PENDING,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_REPLIES_PER_SECOND,
  DEFAULT_REPLIES_PER_SOURCE,
  DEFAULT_X25519_COST,
  GUEST_SESSION_SHARE,
  MAX_DATAGRAM,
  SESSION_TIMEOUT,
} from '../constants.ts'
import { InvalidArgumentError } from '../errors.ts'
import type { RttOptions } from '../rtt-estimator.ts'
import type { PeerAddress } from '../transport.ts'
import type { ClientRegistry } from './client-registry.ts'
import type { ReplyLimits } from './reply-budget.ts'

/** Server bounds (the reply rate limits: see {@link ReplyLimits}). */
export interface ServerLimits extends ReplyLimits {
  /** Established sessions held at once; idle ones are evicted first past this. */
  readonly maxSessions: number
  /**
   * Guest sessions (ECC keys the registry does not know) held at once; default a quarter of
   * `maxSessions`. Guests are evicted among themselves and never push a registered client out.
   */
  readonly maxGuestSessions: number
  /** Records for addresses without a session (pending handshakes, quiet periods). */
  readonly maxPending: number
  /** Tracked sends in flight; more are refused with a BackpressureError. */
  readonly maxInFlight: number
  /** Largest datagram accepted. */
  readonly maxDatagram: number
}

/** Everything a server endpoint is built from. */
export interface ServerEndpointOptions {
  readonly crypto: PavillionCrypto
  /** Registered PSK and ECC clients. */
  readonly clients: ClientRegistry
  /** The server's key pair; required to accept ECC clients. */
  readonly keyPair?: KeyPair
  /** Accept ECC clients whose key the registry does not know (PROTOCOL.md §6.3). */
  readonly allowGuests?: boolean
  /** Where to announce the server on start (a group and port), or undefined for no announcement. */
  readonly announce?: PeerAddress
  /** Three status bytes (PROTOCOL.md §11) appended to every acknowledgement, or undefined for bare acks. */
  readonly status?: () => Uint8Array | undefined
  /** A client silent this long (ms) is closed with reason `timeout`. */
  readonly sessionTimeout?: number
  /**
   * What to do when a registered ECC client sends its *secret* key in a nonce
   * request (the reference client's defect D1): `accept` keeps reference
   * clients reconnecting; either way a `security:leaked-secret-key` event fires.
   */
  readonly leakedKeyPolicy?: 'accept' | 'reject'
  readonly limits?: Partial<ServerLimits>
  readonly rtt?: Partial<RttOptions>
  /** Unix time in ms minus the monotonic `now` the driver passes in. */
  readonly wallClockOffset?: number
  /** Where a new session's send counter starts; random in [2^63, 2^63 + 10^9] by default (for vector replays). */
  readonly sendCounterStart?: () => bigint
}

/** Defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxSessions: DEFAULT_MAX_SESSIONS,
  maxGuestSessions: Math.floor(DEFAULT_MAX_SESSIONS * GUEST_SESSION_SHARE),
  maxPending: DEFAULT_MAX_PENDING,
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
  maxDatagram: MAX_DATAGRAM,
  repliesPerSource: DEFAULT_REPLIES_PER_SOURCE,
  repliesPerSecond: DEFAULT_REPLIES_PER_SECOND,
  handshakeCpuShare: DEFAULT_HANDSHAKE_CPU_SHARE,
  x25519Cost: DEFAULT_X25519_COST,
  knownFor: DEFAULT_KNOWN_FOR,
}

/**
 * The server limits of `limits`: the defaults for what it leaves out, the guest quota following
 * `maxSessions` (at least 1).
 * @throws InvalidArgumentError for a rate, share or cost that is not a positive number
 *   (a share above 1)
 */
export function serverLimitsOf(limits: Partial<ServerLimits> = {}): ServerLimits {
  const maxSessions = limits.maxSessions ?? DEFAULT_MAX_SESSIONS
  const merged: ServerLimits = {
    ...DEFAULT_SERVER_LIMITS,
    maxGuestSessions: Math.max(1, Math.floor(maxSessions * GUEST_SESSION_SHARE)),
    ...limits,
  }
  for (const name of ['repliesPerSource', 'repliesPerSecond', 'handshakeCpuShare', 'x25519Cost'] as const) {
    const value = merged[name]
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
      throw new InvalidArgumentError(`"limits.${name}" expected a positive number, got ${String(value)}`)
  }
  if (merged.handshakeCpuShare > 1)
    throw new InvalidArgumentError(
      `"limits.handshakeCpuShare" expected a share of one core in (0, 1], got ${merged.handshakeCpuShare}`,
    )
  return merged
}

/** Default session timeout, ms (PROTOCOL.md §10.1). */
export const DEFAULT_SESSION_TIMEOUT = SESSION_TIMEOUT
