import { MAX_PLAINTEXT_SIZE } from '@pavillion/wire'

// ---- Derived from the wire format ------------------------------------------

/** Opcode (1) ‖ register (2) ‖ offset (2): what a register declaration (7) adds to its value bytes. */
const DECLARATION_HEADER = 5
/** Largest value a register holds: one declaration (opcode 7) carries it whole within a datagram. */
export const MAX_VALUE_SIZE = MAX_PLAINTEXT_SIZE - DECLARATION_HEADER
/** Largest register number an application declares; 65535 is the directory (README, "Listing"). */
export const MAX_REGISTER = 0xfffe
/** The directory register: read-only, the declared numbers as u16 little-endian, ascending. */
export const DIRECTORY_REGISTER = 0xffff
/** Longest observation one observe packet (8) asks for: its duration is a u16 of ms. */
export const MAX_OBSERVE_DURATION = 0xffff
/** Longest rate limit one observe packet carries, ms (u16). */
export const MAX_RATE_LIMIT = 0xffff

// ---- Tuning knobs (all overridable) -----------------------------------------

/** Default cap on registers one server declares (the directory stays ≤ 2048 bytes). */
export const DEFAULT_MAX_REGISTERS = 1024
/** Default cap on observations of one register, all sessions together. */
export const DEFAULT_MAX_OBSERVERS_PER_REGISTER = 64
/** Default cap on observations one session holds, all registers together. */
export const DEFAULT_MAX_OBSERVERS_PER_SESSION = 32
/** Default shortest observation a server accepts, ms: shorter is refused `bad-observe`. */
export const DEFAULT_MIN_OBSERVE_DURATION = 100
/** Default observation a client asks for (and renews halfway through), ms. */
export const DEFAULT_OBSERVE_DURATION = 10_000
/** Default time a client waits for an answer, retries included, ms. */
export const DEFAULT_REQUEST_TIMEOUT = 5_000
/** Default time `readAll` gathers answers, ms (the same as RPC's `callAll`). */
export const DEFAULT_GATHER_TIMEOUT = 2_000
/** First retry of an unanswered request, ms; doubled per retry up to {@link MAX_RETRY_INTERVAL}. */
export const DEFAULT_RETRY_INTERVAL = 250
/** Longest wait between two retries of one request, ms. */
export const MAX_RETRY_INTERVAL = 1_000
