/**
 * The four functions of `sodium-native` (libsodium compiled for Node.js, an
 * optional dependency) this package uses. Each writes into its first
 * argument, whose length must be exact; the open functions return false for
 * a box that does not authenticate, `crypto_box_easy` throws for a low-order key.
 */
export interface NativeSodium {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean
  crypto_box_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): void
  crypto_box_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean
}

const NAMES = [
  'crypto_secretbox_easy',
  'crypto_secretbox_open_easy',
  'crypto_box_easy',
  'crypto_box_open_easy',
] as const

/** `sodium-native` when it is installed and loads (its prebuilt binary matches this platform), else undefined. */
export async function importNativeSodium(): Promise<NativeSodium | undefined> {
  let module: { default?: unknown }
  try {
    // A variable specifier: bundlers and TypeScript leave the optional module alone.
    const specifier = 'sodium-native'
    module = (await import(specifier)) as { default?: unknown }
  } catch {
    return undefined
  }
  const sodium = (module.default ?? module) as Partial<Record<(typeof NAMES)[number], unknown>>
  return NAMES.every((name) => typeof sodium[name] === 'function') ? (sodium as NativeSodium) : undefined
}
