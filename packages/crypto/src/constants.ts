/** Length of every symmetric key, PSK, X25519 key and keypair seed, in bytes. */
export const KEY_LENGTH = 32

/** Length of a secretbox / crypto_box nonce, in bytes (the counter nonce and the ECC box nonces). */
export const NONCE_LENGTH = 24

/** Length of the Poly1305 tag that precedes every ciphertext (a box is `MAC_LENGTH` bytes longer than its plaintext). */
export const MAC_LENGTH = 16

/** Length of a keyed-hash digest H(k, m), in bytes. */
export const HASH_LENGTH = 32

/** Largest key length BLAKE2b accepts, in bytes. */
export const HASH_KEY_MAX_LENGTH = 64

/** Length of session IDs, client IDs and client challenges, in bytes. */
export const ID_LENGTH = 16

/** Length of the bytes covered by the opcode-3 (PSK client info) hash: cipher, client ID, both nonces, counter. */
export const CLIENT_INFO_HASHED_LENGTH = 89

/** Largest packet counter (2^64 - 1); counters are unsigned 64-bit integers. */
export const COUNTER_MAX = 0xffff_ffff_ffff_ffffn
