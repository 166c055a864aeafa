import { assertBigInt, assertBytes, assertInstance } from './check.ts'
import { MAC_LENGTH } from './constants.ts'
import { isMessageCounter, MESSAGE_COUNTER_RANGE, nonceWriter } from './nonce.ts'
import { SymmetricKey } from './secret.ts'
import type { Sodium } from './sodium.ts'

/** The counter-nonce secretbox of PROTOCOL.md §4.2; see `PavillionCrypto.seal` / `open`. */
export interface CounterSecretbox {
  /** Seals `plaintext` under N(counter); see `PavillionCrypto.seal`. */
  seal(plaintext: Uint8Array, counter: bigint, key: SymmetricKey): Uint8Array
  /** Opens a box sealed under N(counter); see `PavillionCrypto.open`. */
  open(box: Uint8Array, counter: bigint, key: SymmetricKey): Uint8Array | undefined
}

/**
 * Builds seal/open over `crypto_secretbox_easy` with the counter nonce. Both write the nonce
 * into one scratch array that libsodium copies; what they return is always a new array.
 */
export function counterSecretbox(sodium: Sodium): CounterSecretbox {
  const nonceFor = nonceWriter()
  return {
    seal(plaintext, counter, key) {
      assertBytes('plaintext', plaintext)
      assertBigInt('counter', counter, MESSAGE_COUNTER_RANGE)
      assertInstance('key', key, SymmetricKey)
      return sodium.crypto_secretbox_easy(plaintext, nonceFor(counter), key.expose())
    },
    open(box, counter, key) {
      assertInstance('key', key, SymmetricKey)
      const keyBytes = key.expose()
      if (!(box instanceof Uint8Array) || box.length < MAC_LENGTH || !isMessageCounter(counter))
        return undefined
      try {
        return sodium.crypto_secretbox_open_easy(box, nonceFor(counter), keyBytes)
      } catch {
        return undefined
      }
    },
  }
}
