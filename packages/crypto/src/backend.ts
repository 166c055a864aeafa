import { InvalidArgumentError } from '@pavillion/wire'
import { CryptoError } from './errors.ts'
import { importNativeSodium, type NativeSodium } from './native-sodium.ts'

/** Where secretbox and crypto_box run: libsodium-wrappers' WebAssembly, or `sodium-native`. */
export type CryptoBackend = 'wasm' | 'native'

/** The backend a process uses, with the native module when it is `native`. */
export interface ChosenBackend {
  readonly name: CryptoBackend
  readonly native: NativeSodium | undefined
}

/** The variable that forces a backend: `wasm`, `native`, or unset/`auto` for native when installed. */
export const BACKEND_VARIABLE = 'PAVILLION_CRYPTO'

// This package has no Node.js types: the one global it may read, where it exists.
declare const process: { readonly env: Readonly<Record<string, string | undefined>> } | undefined

let choosing: Promise<ChosenBackend> | undefined

/** The backend asked for in the environment (Node.js only; elsewhere `auto`). */
function requested(): string {
  // Configuration, not I/O: the one environment variable this package reads.
  if (typeof process === 'undefined') return 'auto'
  return process.env[BACKEND_VARIABLE]?.trim().toLowerCase() || 'auto'
}

/**
 * Chooses the backend once per process: `sodium-native` when it loads, else
 * the WebAssembly; `PAVILLION_CRYPTO=wasm|native` forces one.
 *
 * @throws InvalidArgumentError (as a rejected promise) for another value of the variable
 * @throws CryptoError (`ERR_BACKEND_UNAVAILABLE`) when `native` is forced but `sodium-native` does not load
 */
export function chooseBackend(): Promise<ChosenBackend> {
  choosing ??= (async () => {
    const wanted = requested()
    if (wanted === 'wasm') return { name: 'wasm', native: undefined } as const
    if (wanted !== 'native' && wanted !== 'auto') {
      throw new InvalidArgumentError(
        `${BACKEND_VARIABLE} expected wasm, native or auto, got ${JSON.stringify(wanted)}`,
      )
    }
    const native = await importNativeSodium()
    if (native !== undefined) return { name: 'native', native } as const
    if (wanted === 'native') {
      throw new CryptoError(
        'ERR_BACKEND_UNAVAILABLE',
        `${BACKEND_VARIABLE}=native, but the optional dependency sodium-native is not installed or does not load`,
      )
    }
    return { name: 'wasm', native: undefined } as const
  })()
  choosing.catch(() => {
    choosing = undefined
  })
  return choosing
}
