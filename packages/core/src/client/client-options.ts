import type { PavillionCrypto, SymmetricKey } from '@pavillion/crypto'
import {
  CHALLENGE_LIFETIME,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_QUEUED,
  DEFAULT_MAX_SERVERS,
  DISCONNECT_AFTER,
  HANDSHAKE_FAST_RETRIES,
  HANDSHAKE_RETRY_INITIAL,
  HANDSHAKE_RETRY_MAX,
  KEEPALIVE_INTERVAL,
  MAX_DATAGRAM,
} from '../constants.ts'
import type { RttOptions } from '../rtt-estimator.ts'
import type { PeerAddress } from '../transport.ts'
import type { ClientCredentials } from './credentials.ts'

/** Client timers, ms. */
export interface ClientTiming {
  /** Send an empty reliable message when nothing reliable went out for this long (0 disables). */
  readonly keepaliveInterval: number
  /** Report a server disconnected after this long without a fresh authenticated packet. */
  readonly disconnectAfter: number
  /** Pause between the first retries of an unanswered start-up handshake (jittered ±25 %). */
  readonly handshakeRetryInitial: number
  /** Retries at `handshakeRetryInitial` before the pause doubles per retry. */
  readonly handshakeFastRetries: number
  /** Longest pause between nonce requests while no server answers. */
  readonly handshakeRetryMax: number
  /** Age after which the challenge is replaced at the next nonce request. */
  readonly challengeLifetime: number
}

/** Client bounds. */
export interface ClientLimits {
  /** Servers tracked at once; the longest-silent is forgotten past this. */
  readonly maxServers: number
  /** Packets held while no server is connected; more are refused with a BackpressureError. */
  readonly maxQueued: number
  /** Tracked sends in flight; more are refused with a BackpressureError. */
  readonly maxInFlight: number
  /** Largest datagram accepted. */
  readonly maxDatagram: number
}

/** Values a client normally draws at random, fixed for interop-vector replays. */
export interface ClientFixedValues {
  readonly initialCounter?: bigint
  readonly challenge?: Uint8Array
  readonly sessionField?: Uint8Array
  readonly clientNonce?: Uint8Array
  readonly ckey?: SymmetricKey
}

/** Everything a client endpoint is built from. */
export interface ClientEndpointOptions {
  readonly crypto: PavillionCrypto
  /** Where new packets go: one server, or a multicast group reaching several. */
  readonly destination: PeerAddress
  readonly credentials: ClientCredentials
  readonly timing?: Partial<ClientTiming>
  readonly limits?: Partial<ClientLimits>
  readonly rtt?: Partial<RttOptions>
  /** Unix time in ms minus the monotonic `now` the driver passes in (for time-sync answers). */
  readonly wallClockOffset?: number
  readonly fixed?: ClientFixedValues
}

/** Defaults of {@link ClientTiming}. */
export const DEFAULT_CLIENT_TIMING: ClientTiming = {
  keepaliveInterval: KEEPALIVE_INTERVAL,
  disconnectAfter: DISCONNECT_AFTER,
  handshakeRetryInitial: HANDSHAKE_RETRY_INITIAL,
  handshakeFastRetries: HANDSHAKE_FAST_RETRIES,
  handshakeRetryMax: HANDSHAKE_RETRY_MAX,
  challengeLifetime: CHALLENGE_LIFETIME,
}

/** Defaults of {@link ClientLimits}. */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  maxServers: DEFAULT_MAX_SERVERS,
  maxQueued: DEFAULT_MAX_QUEUED,
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
  maxDatagram: MAX_DATAGRAM,
}
