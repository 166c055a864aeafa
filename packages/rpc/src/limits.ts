import { MAX_PLAINTEXT_SIZE, SECURE_OVERHEAD } from '@pavillion/wire'

// ---- Derived from the wire format ------------------------------------------

/** Opcode (1) ‖ function number (2): what an RPC call plaintext adds to its arguments. */
const CALL_HEADER = 3
/** Opcode (1) ‖ call counter (8) ‖ status (2): what an RPC response plaintext adds to its data. */
const RESPONSE_HEADER = 11

/** Largest argument size of one call: a call datagram stays within the 4096-byte receive buffer (PROTOCOL.md §2.1). */
export const MAX_ARGS_SIZE = MAX_PLAINTEXT_SIZE - CALL_HEADER
/** Largest result (or error text) of one response, for the same reason. */
export const MAX_RESULT_SIZE = MAX_PLAINTEXT_SIZE - RESPONSE_HEADER

/** Chunk size of the file helpers: what the reference client reads and writes per call (PROTOCOL.md §12). */
export const FILE_CHUNK = 1024
/** Datagram size a file-read response stays within, below the usual 1500-byte MTU. */
const FILE_READ_DATAGRAM = 1400
/** Most bytes one file read (10) returns however many are asked for: keeps its response datagram ≤ 1400 bytes. */
export const MAX_FILE_READ = FILE_READ_DATAGRAM - SECURE_OVERHEAD - RESPONSE_HEADER

// ---- Tuning knobs (all overridable) -----------------------------------------

/** Default number of responses a server keeps for retransmitted calls (running calls included). */
export const DEFAULT_CACHE_ENTRIES = 1024
/** Default time a response is kept for retransmitted calls after it was produced, ms. */
export const DEFAULT_CACHE_TTL = 30_000
/** Default time `RpcClient.callAll` gathers responses, ms (the reference's default call timeout). */
export const DEFAULT_CALL_ALL_TIMEOUT = 2_000
/** Default largest file the file service writes and the file helpers read, bytes (16 MiB). */
export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024
