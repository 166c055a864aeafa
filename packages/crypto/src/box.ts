import { assertBytes, assertInstance } from './check.ts'
import { KEY_LENGTH, MAC_LENGTH, NONCE_LENGTH } from './constants.ts'
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

/** Builds the crypto_box and X25519 key-pair operations. */
export function publicKeyBox(sodium: Sodium): PublicKeyBox {
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
        return sodium.crypto_box_easy(message, nonce, recipientPublicKey, secret)
      } catch {
        throw new RangeError(
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
        return sodium.crypto_box_open_easy(box, nonce, senderPublicKey, secret)
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
