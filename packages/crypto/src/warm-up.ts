import { CryptoError } from './errors.ts'
import { SymmetricKey } from './secret.ts'
import type { CounterSecretbox } from './secretbox.ts'

/** Seal + open rounds per size: enough for V8 to optimise the wrappers and tier the WebAssembly up. */
const ROUNDS = 300
const SIZES = [64, 1100]

let warmed = false

/**
 * Runs the per-packet secretbox path a few hundred times on throwaway data
 * (a zero key, never used for anything else), once per process, so the first
 * real packets do not pay for the JIT's first tiers and WebAssembly's
 * baseline code: about a millisecond at `loadCrypto()`.
 */
export function warmUp(secretbox: CounterSecretbox): void {
  if (warmed) return
  warmed = true
  const key = SymmetricKey.from(new Uint8Array(32))
  const allocate = (length: number) => new Uint8Array(length)
  for (const size of SIZES) {
    const plaintext = new Uint8Array(size)
    const box = new Uint8Array(size + 16)
    for (let counter = 1n; counter <= ROUNDS; counter++) {
      secretbox.sealInto(box, 0, plaintext, counter, key)
      if (secretbox.openInto(box, counter, key, allocate) === undefined)
        throw new CryptoError('ERR_CRYPTO_FAILED', 'secretbox self-test failed')
    }
  }
  key.wipe()
}
