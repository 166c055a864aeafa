import { assertBytes, assertInstance } from './check.ts'
import { CLIENT_INFO_HASHED_LENGTH, HASH_LENGTH, ID_LENGTH, KEY_LENGTH } from './constants.ts'
import type { KeyedHash } from './hash.ts'
import { PresharedKey, SymmetricKey } from './secret.ts'
import type { PavillionCrypto } from './suite.ts'

/** The key and identifier derivations of PROTOCOL.md §4.6 (documented on `PavillionCrypto`). */
export type Derivations = Pick<
  PavillionCrypto,
  | 'pskClientKey'
  | 'pskServerKey'
  | 'pskSessionId'
  | 'eccSessionId'
  | 'pskNonceHash'
  | 'verifyPskNonceHash'
  | 'pskClientInfoHash'
  | 'verifyPskClientInfoHash'
  | 'guestId'
  | 'defaultClientId'
>

const NO_KEY = new Uint8Array(0)

/** `a ‖ b` as a new array. */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Whether `value` is a Uint8Array of exactly `length` bytes (for checks of untrusted input). */
function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length
}

/**
 * Builds the derivations over H. Derived keys are copied into their Secret and the temporary
 * digest is zeroed; `equal` is the constant-time comparison used by the verifiers.
 */
export function derivations(hash: KeyedHash, equal: (a: Uint8Array, b: Uint8Array) => boolean): Derivations {
  const symmetricKey = (digest: Uint8Array): SymmetricKey => {
    try {
      return SymmetricKey.from(digest)
    } finally {
      digest.fill(0)
    }
  }
  const nonceHash = (psk: PresharedKey, serverNonce: Uint8Array, challenge: Uint8Array) =>
    hash(psk, concat(serverNonce, challenge))

  return {
    pskClientKey(psk, clientNonce) {
      assertInstance('psk', psk, PresharedKey)
      assertBytes('clientNonce', clientNonce, KEY_LENGTH)
      return symmetricKey(hash(psk, clientNonce))
    },
    pskServerKey(psk, clientNonce, serverNonce) {
      assertInstance('psk', psk, PresharedKey)
      assertBytes('clientNonce', clientNonce, KEY_LENGTH)
      assertBytes('serverNonce', serverNonce, KEY_LENGTH)
      return symmetricKey(hash(psk, concat(clientNonce, serverNonce)))
    },
    pskSessionId(psk, ckey) {
      assertInstance('psk', psk, PresharedKey)
      assertInstance('ckey', ckey, SymmetricKey)
      return hash(psk, ckey.expose()).slice(0, ID_LENGTH)
    },
    eccSessionId(clientPublicKey, ckey) {
      assertBytes('clientPublicKey', clientPublicKey, KEY_LENGTH)
      assertInstance('ckey', ckey, SymmetricKey)
      return hash(clientPublicKey, ckey.expose()).slice(0, ID_LENGTH)
    },
    pskNonceHash(psk, serverNonce, challenge) {
      assertInstance('psk', psk, PresharedKey)
      assertBytes('serverNonce', serverNonce, KEY_LENGTH)
      assertBytes('challenge', challenge, ID_LENGTH)
      return nonceHash(psk, serverNonce, challenge)
    },
    verifyPskNonceHash(psk, serverNonce, challenge, received) {
      assertInstance('psk', psk, PresharedKey)
      if (!isBytes(serverNonce, KEY_LENGTH) || !isBytes(challenge, ID_LENGTH)) return false
      return isBytes(received, HASH_LENGTH) && equal(nonceHash(psk, serverNonce, challenge), received)
    },
    pskClientInfoHash(psk, hashedBytes) {
      assertInstance('psk', psk, PresharedKey)
      assertBytes('hashedBytes', hashedBytes, CLIENT_INFO_HASHED_LENGTH)
      return hash(psk, hashedBytes)
    },
    verifyPskClientInfoHash(psk, hashedBytes, received) {
      assertInstance('psk', psk, PresharedKey)
      if (!isBytes(hashedBytes, CLIENT_INFO_HASHED_LENGTH)) return false
      return isBytes(received, HASH_LENGTH) && equal(hash(psk, hashedBytes), received)
    },
    guestId(publicKey) {
      assertBytes('publicKey', publicKey, KEY_LENGTH)
      return hash(NO_KEY, publicKey)
    },
    defaultClientId(publicKey) {
      assertBytes('publicKey', publicKey, KEY_LENGTH)
      return hash(NO_KEY, publicKey).slice(0, ID_LENGTH)
    },
  }
}
