import { MAC_LENGTH } from './constants.ts'
import type { NativeSodium } from './native-sodium.ts'
import { nonceWriter } from './nonce.ts'

/**
 * Secretbox with the counter nonce through `sodium-native`: sealed straight
 * into the caller's array and opened straight into the allocated one (no
 * copy, no allocation but the result). Same interface as `WasmSecretbox`.
 */
export class NativeSecretbox {
  readonly #sodium: NativeSodium
  readonly #nonceFor = nonceWriter()

  constructor(sodium: NativeSodium) {
    this.#sodium = sodium
  }

  /** Writes tag ‖ ciphertext of `plaintext` under N(counter) and `key` into `target` at `offset`. */
  sealInto(
    target: Uint8Array,
    offset: number,
    plaintext: Uint8Array,
    counter: bigint,
    key: Uint8Array,
  ): void {
    const box = target.subarray(offset, offset + plaintext.length + MAC_LENGTH)
    this.#sodium.crypto_secretbox_easy(box, plaintext, this.#nonceFor(counter), key)
  }

  /**
   * The plaintext of `box` (tag ‖ ciphertext) under N(counter) and `key`, in
   * an array from `allocate`, or undefined when it does not authenticate
   * (the array is then zeroed: nothing unauthenticated is left in it).
   */
  openInto(
    box: Uint8Array,
    counter: bigint,
    key: Uint8Array,
    allocate: (length: number) => Uint8Array,
  ): Uint8Array | undefined {
    const out = allocate(box.length - MAC_LENGTH)
    if (this.#sodium.crypto_secretbox_open_easy(out, box, this.#nonceFor(counter), key)) return out
    out.fill(0)
    return undefined
  }
}
