// ---- Specification constants ------------------------------------------------

/** A subscriber record lives this long after its last refresh (PROTOCOL.md §9.2: 240 s). */
export const SUBSCRIBER_EXPIRY = 240_000
/** A server ignores a tag write stamped further than this into its future (PROTOCOL.md §13: 60 s), µs. */
export const TAG_FUTURE_TOLERANCE_US = 60_000_000n

// ---- Tuning knobs (all overridable) -------------------------------------------

/** Default cap on reliable publishes in flight towards one peer; more are refused with a BackpressureError. */
export const DEFAULT_MAX_IN_FLIGHT_PER_PEER = 256
/** Default cap on distinct targets with local listeners (each is announced to every new session on a server). */
export const DEFAULT_MAX_TARGETS = 1024
/** Default cap on targets whose subscribers a client tracks; the least recently refreshed is forgotten past it. */
export const DEFAULT_MAX_SUBSCRIBER_TARGETS = 1024
/** Default number of messages a message stream buffers before it drops the oldest. */
export const DEFAULT_STREAM_BUFFER = 1024
/** Default cap on tag timestamps remembered (per sender and tag name); the oldest entry is forgotten past it. */
export const DEFAULT_MAX_TAGS = 4096
