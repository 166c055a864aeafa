import { loadCrypto, type PavillionCrypto } from '@pavillion/crypto'

let loading: Promise<PavillionCrypto> | undefined

/**
 * The process's cipher suites, loaded once: libsodium initialises
 * asynchronously, every use after that is synchronous. A failed load is
 * forgotten so the next call tries again.
 */
export function sharedCrypto(): Promise<PavillionCrypto> {
  loading ??= loadCrypto().catch((error: unknown) => {
    loading = undefined
    throw error
  })
  return loading
}
