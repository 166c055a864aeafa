/**
 * Specification constants (PROTOCOL.md, Appendix A) and the implementation's
 * own tuning knobs. Times are milliseconds of the monotonic clock.
 */

// ---- Specification constants ----------------------------------------------

/** Default UDP port of both roles (PROTOCOL.md §2.2). */
export const DEFAULT_PORT = 1783
/** The documented multicast group (PROTOCOL.md §2.2). */
export const DEFAULT_MULTICAST_GROUP = '239.255.28.12'
/** Where non-multicast servers announce themselves (PROTOCOL.md §2.6). */
export const ANNOUNCE_ADDRESS = { address: '224.0.0.251', port: 2221 } as const
/** Pauses between the three start-up announcements: t = 0, 3 ms, 28 ms (PROTOCOL.md §2.6). */
export const ANNOUNCE_DELAYS = [0, 3, 28] as const
/** Client counters start uniformly in [1024, 10^9] (PROTOCOL.md §8.1). */
export const CLIENT_COUNTER_RANGE = [1024n, 1_000_000_000n] as const
/** Server counters start uniformly in [2^63, 2^63 + 10^9] (PROTOCOL.md §8.1). */
export const SERVER_COUNTER_RANGE = [2n ** 63n, 2n ** 63n + 1_000_000_000n] as const
/** Largest counter a u64 can carry; an endpoint refuses to send past it. */
export const MAX_COUNTER = 2n ** 64n - 1n
/** The PSK challenge is rotated when older than this (PROTOCOL.md §9.6). */
export const CHALLENGE_LIFETIME = 30_000
/** Reactive nonce requests per known server: window and budgets (PROTOCOL.md §9.5). */
export const NONCE_REQUEST_WINDOW = 10_000
/** At most this many reactive nonce requests per window before a server was ever keyed. */
export const NONCE_REQUESTS_PER_WINDOW = 9
/** At most this many once a server was keyed at least once. */
export const NONCE_REQUESTS_PER_WINDOW_KEYED = 6
/** A server stops sending to, and may evict, a client silent this long (PROTOCOL.md §10.1). */
export const SESSION_TIMEOUT = 300_000
/** Opcode 4 is not sent when a valid packet arrived this recently (PROTOCOL.md §8.5). */
export const UNRECOGNIZED_SUPPRESS = 1_000
/** Quiet period after answering opcode 4 (PROTOCOL.md §8.6). */
export const UNRECOGNIZED_QUIET = 5_000
/** The 5 s quiet period is skipped when a valid packet arrived this recently (PROTOCOL.md §8.5). */
export const UNRECOGNIZED_QUIET_SKIP = 100_000
/** Opcode 6 is sent at most once per address in this period (PROTOCOL.md §8.6). */
export const INVALID_CLIENT_QUIET = 600_000

// ---- Implementation constants (tuning knobs, all overridable) -------------

/** Replay window: how many counters below the newest are still tracked (RFC 6479 style). */
export const REPLAY_WINDOW_SIZE = 2048
/** Default cap on established sessions a server holds. */
export const DEFAULT_MAX_SESSIONS = 4096
/** Default share of the session table that guests may hold (`limits.maxGuestSessions`). */
export const GUEST_SESSION_SHARE = 1 / 4
/** Default replies per second to one IP address without a recent session (`limits.repliesPerSource`). */
export const DEFAULT_REPLIES_PER_SOURCE = 100
/** Default replies per second to all sources without a recent session (`limits.repliesPerSecond`). */
export const DEFAULT_REPLIES_PER_SECOND = 2000
/** Default share of one core for X25519 work on unauthenticated datagrams (`limits.handshakeCpuShare`). */
export const DEFAULT_HANDSHAKE_CPU_SHARE = 0.25
/**
 * CPU per X25519 operation for an unauthenticated datagram, ms, with the engine's work around it
 * (`limits.x25519Cost`). Conservative: #15 measured 67 % of a core for 4000 ECC nonce replies per
 * second (0.17 ms each) on a loaded 2-core x86 box; the bare box is about 0.06 ms there.
 */
export const DEFAULT_X25519_COST = 0.2
/** An address keeps priority this long after its session ended (`limits.knownFor`). */
export const DEFAULT_KNOWN_FOR = 300_000
/** Default cap on per-address records for sources without a session (pending handshakes, quiet periods). */
export const DEFAULT_MAX_PENDING = 1024
/** Default cap on servers a client tracks (PROTOCOL.md §9.8 uses 128). */
export const DEFAULT_MAX_SERVERS = 128
/** Default cap on packets a client holds while no server is connected yet. */
export const DEFAULT_MAX_QUEUED = 1024
/** Default cap on tracked (acknowledged) sends in flight per endpoint. */
export const DEFAULT_MAX_IN_FLIGHT = 4096
/** Keepalive: a client sends an empty reliable message when it sent nothing reliable for this long. */
export const KEEPALIVE_INTERVAL = 30_000
/** A server with no fresh authenticated packet for this long is reported disconnected. */
export const DISCONNECT_AFTER = 40_000
/** Pause between the first handshake retries (each ±25 % jitter); then it doubles up to HANDSHAKE_RETRY_MAX. */
export const HANDSHAKE_RETRY_INITIAL = 250
/** Retries at HANDSHAKE_RETRY_INITIAL before the back-off starts: 16 ≈ 4 s, what 30 % loss each way needs. */
export const HANDSHAKE_FAST_RETRIES = 16
/** Longest pause between start-up nonce requests while no server answers. */
export const HANDSHAKE_RETRY_MAX = 5_000
/** Largest datagram accepted from the network (what the reference reads, PROTOCOL.md §2.1). */
export const MAX_DATAGRAM = 4096
/** The u16 reason a server's quit (opcode 12) carries when it evicted the session; 0 (or none) is a plain close. */
export const QUIT_EVICTED = 1
