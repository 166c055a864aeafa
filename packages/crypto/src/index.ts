/**
 * @packageDocumentation
 * Pavillion's cipher suites over libsodium: the keyed BLAKE2b-256 hash, XSalsa20-Poly1305
 * secretbox with the packet-counter nonce, crypto_box for the ECC setup, the §4.6 key
 * derivations of PROTOCOL.md, redacting key classes, key parsing, and random sources
 * (system, seeded, scripted) for reproducible tests.
 *
 * @example
 * ```ts
 * import { loadCrypto, parsePsk } from '@pavillion/crypto'
 *
 * const crypto = await loadCrypto()
 * const psk = parsePsk('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')
 * const clientNonce = crypto.random(32)
 * const ckey = crypto.pskClientKey(psk, clientNonce)
 * const box = crypto.seal(Uint8Array.of(4, 0x91, 0x01, 0x68, 0x69), 1002n, ckey) // RPC call 401 "hi"
 * crypto.open(box, 1002n, ckey) // → the 5 plaintext bytes
 * crypto.open(box, 1003n, ckey) // → undefined
 * console.log(`${psk}`) // [redacted]
 * ```
 */
export { BACKEND_VARIABLE, type CryptoBackend } from './backend.ts'
export type { KeyPair } from './box.ts'
export { COUNTER_MAX, HASH_LENGTH, KEY_LENGTH, MAC_LENGTH, NONCE_LENGTH } from './constants.ts'
export { fromBase64, fromHex, toBase64, toHex } from './encoding.ts'
export { CryptoError, type CryptoErrorCode } from './errors.ts'
export { parseClientId, parsePsk, parsePublicKey, parseSecretKey } from './keys.ts'
export { counterNonce } from './nonce.ts'
export { type RandomSource, type ScriptedRandomSource, scriptedRandom, seededRandom } from './random.ts'
export { PresharedKey, REDACTED, Secret, SecretKey, SymmetricKey } from './secret.ts'
export { type LoadCryptoOptions, loadCrypto, type PavillionCrypto } from './suite.ts'
