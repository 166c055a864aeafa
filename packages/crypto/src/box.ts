import { InvalidArgumentError } from '@pavillion/wire'
import { assertBytes, assertInstance } from './check.ts'
import { KEY_LENGTH, MAC_LENGTH, NONCE_LENGTH } from './constants.ts'
import type { NativeSodium } from './native-sodium.ts'
import { SecretKey } from './secret.ts'
import type { Sodium } from './sodium.ts'
import type { PavillionCrypto } from './suite.ts'

/** An X25519 key pair (suite 2). The secret half redacts itself; the public half is plain bytes. */
export interface KeyPair {
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array
  /** The 32-byte secret key. */
  readonly secretKey: SecretKey
}

/** Public-key operations of the ECC setup, PROTOCOL.md §4.3 (documented on `PavillionCrypto`). */
export type PublicKeyBox = Pick<
  PavillionCrypto,
  'boxSeal' | 'boxOpen' | 'keyPairFromSeed' | 'keyPairFromSecretKey' | 'publicKeyOf'
>

/** crypto_box_easy / crypto_box_open_easy, from libsodium-wrappers or sodium-native (same contract). */
interface BoxFunctions {
  /** @throws Error for a low-order recipient key */
  seal(message: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array
  /** @throws Error when the box does not open */
  open(box: Uint8Array, nonce: Uint8Array, publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array
}

/** The box functions of the chosen backend. */
function boxFunctions(sodium: Sodium, native: NativeSodium | undefined): BoxFunctions {
  if (native === undefined) return { seal: sodium.crypto_box_easy, open: sodium.crypto_box_open_easy }
  return {
    seal(message, nonce, publicKey, secretKey) {
      const box = new Uint8Array(message.length + MAC_LENGTH)
      native.crypto_box_easy(box, message, nonce, publicKey, secretKey)
      return box
    },
    open(box, nonce, publicKey, secretKey) {
      const message = new Uint8Array(box.length - MAC_LENGTH)
      if (!native.crypto_box_open_easy(message, box, nonce, publicKey, secretKey))
        throw new Error('box did not open')
      return message
    },
  }
}

/** Builds the crypto_box (through `native` when given) and X25519 key-pair operations. */
export function publicKeyBox(sodium: Sodium, native?: NativeSodium): PublicKeyBox {
  const boxes = boxFunctions(sodium, native)
  const publicKeyOf = (secretKey: SecretKey | Uint8Array): Uint8Array => {
    if (secretKey instanceof SecretKey) return sodium.crypto_scalarmult_base(secretKey.expose())
    assertBytes('secretKey', secretKey, KEY_LENGTH)
    return sodium.crypto_scalarmult_base(secretKey)
  }
  return {
    boxSeal(message, nonce, recipientPublicKey, senderSecretKey) {
      assertBytes('message', message)
      assertBytes('nonce', nonce, NONCE_LENGTH)
      assertBytes('recipientPublicKey', recipientPublicKey, KEY_LENGTH)
      assertInstance('senderSecretKey', senderSecretKey, SecretKey)
      const secret = senderSecretKey.expose()
      try {
        return boxes.seal(message, nonce, recipientPublicKey, secret)
      } catch {
        throw new InvalidArgumentError(
          '"recipientPublicKey" is a low-order point (such as all zeros) that crypto_box refuses',
        )
      }
    },
    boxOpen(box, nonce, senderPublicKey, recipientSecretKey) {
      assertInstance('recipientSecretKey', recipientSecretKey, SecretKey)
      const secret = recipientSecretKey.expose()
      if (!(box instanceof Uint8Array) || box.length < MAC_LENGTH) return undefined
      if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_LENGTH) return undefined
      if (!(senderPublicKey instanceof Uint8Array) || senderPublicKey.length !== KEY_LENGTH) return undefined
      try {
        return boxes.open(box, nonce, senderPublicKey, secret)
      } catch {
        return undefined
      }
    },
    keyPairFromSeed(seed) {
      assertBytes('seed', seed, KEY_LENGTH)
      const pair = sodium.crypto_box_seed_keypair(seed)
      const secretKey = SecretKey.from(pair.privateKey)
      sodium.memzero(pair.privateKey)
      return Object.freeze({ publicKey: pair.publicKey, secretKey })
    },
    keyPairFromSecretKey(secretKey) {
      const key = secretKey instanceof SecretKey ? secretKey : SecretKey.from(secretKey)
      return Object.freeze({ publicKey: publicKeyOf(key), secretKey: key })
    },
    publicKeyOf,
  }
}
