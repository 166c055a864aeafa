import sodium from 'libsodium-wrappers'
import { CryptoError } from './errors.ts'

/** The libsodium-wrappers module object. */
export type Sodium = typeof sodium

let ready = false

/** Waits (once) for libsodium's WebAssembly to initialise and returns the module. */
export async function readySodium(): Promise<Sodium> {
  await sodium.ready
  ready = true
  return sodium
}

/**
 * The libsodium module, for code that runs only after `loadCrypto()`.
 *
 * @throws CryptoError (`ERR_NOT_LOADED`) when libsodium has not finished loading yet
 */
export function loadedSodium(): Sodium {
  if (!ready)
    throw new CryptoError(
      'ERR_NOT_LOADED',
      'libsodium is not loaded yet: await loadCrypto() before using this function',
    )
  return sodium
}
