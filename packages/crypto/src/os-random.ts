import type { RandomSource } from './random.ts'

/** The part of WebCrypto used here: `globalThis.crypto` in Node 20 and in every browser. */
declare const crypto: { getRandomValues(array: Uint8Array): Uint8Array } | undefined

/** The most bytes one `getRandomValues` call may fill (WebCrypto's quota). */
const QUOTA = 65_536

/**
 * The default random source: the platform's CSPRNG through WebCrypto's
 * `crypto.getRandomValues`, one call per draw. libsodium-wrappers'
 * `randombytes_buf` calls back into JavaScript for every 4 bytes it makes,
 * which cost more than the X25519 work itself under a handshake flood. Where
 * WebCrypto is missing, `fallback` draws instead.
 */
export function osRandom(fallback: RandomSource): RandomSource {
  if (typeof crypto === 'undefined' || typeof crypto.getRandomValues !== 'function') return fallback
  const webCrypto = crypto
  return (length) => {
    const bytes = new Uint8Array(length)
    for (let offset = 0; offset < length; offset += QUOTA)
      webCrypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + QUOTA)))
    return bytes
  }
}
