import { InvalidArgumentError } from '@pavillion/wire'
import { assertBytes, typeName } from './check.ts'
import { HASH_KEY_MAX_LENGTH, HASH_LENGTH } from './constants.ts'
import { Secret } from './secret.ts'
import type { Sodium } from './sodium.ts'

/** H(k, m): keyed BLAKE2b-256; see `PavillionCrypto.hash`. */
export type KeyedHash = (key: Uint8Array | Secret, message: Uint8Array) => Uint8Array

/**
 * Builds H(k, m) = BLAKE2b with a 32-byte digest keyed with `k` (libsodium
 * `crypto_generichash(32, m, k)`, Python `blake2b(m, key=k, digest_size=32)`); an empty key
 * gives the unkeyed hash H0. Keys of 0 to 64 bytes are accepted, like the reference's.
 */
export function keyedHash(sodium: Sodium): KeyedHash {
  return (key, message) => {
    const keyBytes = key instanceof Secret ? key.expose() : key
    if (!(keyBytes instanceof Uint8Array))
      throw new InvalidArgumentError(`"key" expected Uint8Array or Secret, got type=${typeName(key)}`)
    if (keyBytes.length > HASH_KEY_MAX_LENGTH)
      throw new InvalidArgumentError(
        `"key" expected Uint8Array of length 0..${HASH_KEY_MAX_LENGTH}, got length=${keyBytes.length}`,
      )
    assertBytes('message', message)
    return sodium.crypto_generichash(HASH_LENGTH, message, keyBytes.length === 0 ? null : keyBytes)
  }
}
