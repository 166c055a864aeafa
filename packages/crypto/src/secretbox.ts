import { InvalidArgumentError } from '@pavillion/wire'
import { assertBigInt, assertBytes, assertInstance } from './check.ts'
import { MAC_LENGTH } from './constants.ts'
import { NativeSecretbox } from './native-secretbox.ts'
import type { NativeSodium } from './native-sodium.ts'
import { isMessageCounter, MESSAGE_COUNTER_RANGE, nonceWriter } from './nonce.ts'
import { SymmetricKey } from './secret.ts'
import type { Sodium } from './sodium.ts'
import type { PavillionCrypto } from './suite.ts'
import { WasmSecretbox } from './wasm-secretbox.ts'

/** The counter-nonce secretbox of PROTOCOL.md §4.2 (documented on `PavillionCrypto`). */
export type CounterSecretbox = Pick<PavillionCrypto, 'seal' | 'open' | 'sealInto' | 'openInto'>

/**
 * Builds seal/open over `crypto_secretbox_easy` with the counter nonce: through `native`
 * (sodium-native) when given, else libsodium's WebAssembly. Both write the nonce
 * into one scratch array that libsodium copies; what they return is always a new array.
 */
export function counterSecretbox(sodium: Sodium, native?: NativeSodium): CounterSecretbox {
  // The WebAssembly hot path works straight on the module's memory; the wrappers serve builds that hide it.
  const fast =
    native !== undefined
      ? new NativeSecretbox(native)
      : WasmSecretbox.supported(sodium)
        ? new WasmSecretbox(sodium)
        : undefined
  const nonceFor = nonceWriter()
  const sealInto: CounterSecretbox['sealInto'] = (target, offset, plaintext, counter, key) => {
    assertBytes('plaintext', plaintext)
    assertBigInt('counter', counter, MESSAGE_COUNTER_RANGE)
    assertInstance('key', key, SymmetricKey)
    assertBytes('target', target)
    if (!Number.isInteger(offset) || offset < 0 || offset + plaintext.length + MAC_LENGTH > target.length) {
      throw new InvalidArgumentError(
        `"target" has no room for ${plaintext.length + MAC_LENGTH} bytes at offset ${offset}`,
      )
    }
    if (fast !== undefined) fast.sealInto(target, offset, plaintext, counter, key.expose())
    else target.set(sodium.crypto_secretbox_easy(plaintext, nonceFor(counter), key.expose()), offset)
  }
  const openInto: CounterSecretbox['openInto'] = (box, counter, key, allocate) => {
    assertInstance('key', key, SymmetricKey)
    const keyBytes = key.expose()
    if (!(box instanceof Uint8Array) || box.length < MAC_LENGTH || !isMessageCounter(counter))
      return undefined
    if (fast !== undefined) return fast.openInto(box, counter, keyBytes, allocate)
    let opened: Uint8Array
    try {
      opened = sodium.crypto_secretbox_open_easy(box, nonceFor(counter), keyBytes)
    } catch {
      return undefined
    }
    const out = allocate(opened.length)
    out.set(opened)
    return out
  }
  return {
    sealInto,
    openInto,
    seal(plaintext, counter, key) {
      assertBytes('plaintext', plaintext)
      const out = new Uint8Array(plaintext.length + MAC_LENGTH)
      sealInto(out, 0, plaintext, counter, key)
      return out
    },
    open: (box, counter, key) => openInto(box, counter, key, (length) => new Uint8Array(length)),
  }
}
