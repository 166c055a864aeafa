import { PavillionError } from '@pavillion/wire'

/**
 * Codes of the errors this package raises. `ERR_INVALID_ARGUMENT`: a wrong
 * type, length or range (`InvalidArgumentError`, from `@pavillion/wire`); the
 * others are {@link CryptoError}s.
 *
 * - `ERR_NOT_LOADED`: a synchronous function was called before `loadCrypto()` resolved.
 * - `ERR_KEY_WIPED`: a key was used after `wipe()`.
 * - `ERR_BACKEND_UNAVAILABLE`: `PAVILLION_CRYPTO=native`, but sodium-native does not load.
 * - `ERR_RANDOM_SOURCE`: a random source returned the wrong bytes, or a scripted one ran out.
 * - `ERR_CRYPTO_FAILED`: libsodium itself failed (allocation, self-test): not the caller's fault.
 */
export type CryptoErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_NOT_LOADED'
  | 'ERR_KEY_WIPED'
  | 'ERR_BACKEND_UNAVAILABLE'
  | 'ERR_RANDOM_SOURCE'
  | 'ERR_CRYPTO_FAILED'

/** A failure of this package that is not a bad argument; `code` says which (see {@link CryptoErrorCode}). */
export class CryptoError extends PavillionError<CryptoErrorCode> {
  static override readonly brand: symbol = Symbol.for('pavillion.error.CryptoError')

  constructor(code: Exclude<CryptoErrorCode, 'ERR_INVALID_ARGUMENT'>, message: string) {
    super(code, message)
    this.name = 'CryptoError'
  }
}
