// ---- Specification constants ------------------------------------------------

/** A subscriber record lives this long after its last refresh (PROTOCOL.md §9.2: 240 s). */
export const SUBSCRIBER_EXPIRY = 240_000
/** A server ignores a tag write stamped further than this into its future (PROTOCOL.md §13: 60 s), µs. */
export const TAG_FUTURE_TOLERANCE_US = 60_000_000n

// ---- Tuning knobs (all overridable) -------------------------------------------

/**
 * A server does not send opcode 13 to a session younger than this, ms: a
 * reference client may still re-key then (it sends its nonce request again
 * after opcode 7) and would file the subscriber under its dead key (#15 item 6).
 * Its second nonce request answers an opcode 4 sent before the session opened,
 * so the re-key ends one round trip after opcode 7 (1–48 ms on a loaded
 * loopback): 2 s covers round trips and client stalls up to about a second.
 */
export const ANNOUNCE_SETTLE_TIME = 2_000
/** How long a client retransmits a subscribe/unsubscribe (opcode 13/14) until its server acknowledges, ms. */
export const TOPIC_TIMEOUT = 5_000

/** Default cap on reliable publishes in flight towards one peer; more are refused with a BackpressureError. */
export const DEFAULT_MAX_IN_FLIGHT_PER_PEER = 256
/** Default cap on distinct targets with local listeners (and on the targets a server remembers per subscribing client). */
export const DEFAULT_MAX_TARGETS = 1024
/** Default cap on targets whose subscribers a client tracks; the least recently refreshed is forgotten past it. */
export const DEFAULT_MAX_SUBSCRIBER_TARGETS = 1024
/** Default number of messages a message stream buffers before it drops the oldest. */
export const DEFAULT_STREAM_BUFFER = 1024
/** Default cap on tag timestamps remembered (per sender and tag name); the oldest entry is forgotten past it. */
export const DEFAULT_MAX_TAGS = 4096
