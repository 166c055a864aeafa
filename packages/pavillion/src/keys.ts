import { InvalidArgumentError } from '@pavillion/core'
import {
  type KeyPair,
  PresharedKey,
  parsePsk,
  parsePublicKey,
  parseSecretKey,
  Secret,
  SecretKey,
  toHex,
} from '@pavillion/crypto'
import { inOption } from './option-error.ts'
import { sharedCrypto } from './shared-crypto.ts'

/**
 * A 32-byte key as the API accepts it (PROTOCOL.md §4.5): 32 raw bytes, 64
 * hex characters (either case), or standard padded base64.
 */
export type KeyInput = string | Uint8Array

/** A new random pre-shared key from the system CSPRNG (never derive one from a password). */
export async function generatePsk(): Promise<PresharedKey> {
  return (await sharedCrypto()).generatePsk()
}

/** A new random X25519 key pair; the secret half redacts itself when printed. */
export async function generateKeyPair(): Promise<KeyPair> {
  return (await sharedCrypto()).generateKeyPair()
}

/**
 * The X25519 public key of a secret key.
 * @throws InvalidArgumentError when `secretKey` is not a 32-byte key in an accepted form
 */
export async function publicKeyOf(secretKey: KeyInput | SecretKey): Promise<Uint8Array> {
  const secret = secretKeyOf(secretKey, 'secretKey')
  return (await sharedCrypto()).publicKeyOf(secret)
}

/**
 * The 64 lowercase hex characters of a key. For a secret (a PSK or a secret
 * key) this reveals it: use it only to store or hand over the key.
 * @throws InvalidArgumentError when `key` is neither a Uint8Array nor a key object
 */
export function exportKey(key: Uint8Array | Secret): string {
  if (key instanceof Secret) return toHex(key.expose())
  if (key instanceof Uint8Array) return toHex(key)
  throw new InvalidArgumentError('"key" expected a Uint8Array, a PresharedKey or a SecretKey')
}

/** A PSK option: a `PresharedKey` as is, or parsed (errors name `option`). */
export function pskOf(input: KeyInput | PresharedKey, option: string): PresharedKey {
  return input instanceof PresharedKey ? input : inOption(option, () => parsePsk(input))
}

/** A secret-key option: a `SecretKey` as is, or parsed (errors name `option`). */
export function secretKeyOf(input: KeyInput | SecretKey, option: string): SecretKey {
  return input instanceof SecretKey ? input : inOption(option, () => parseSecretKey(input))
}

/** A public-key option, parsed (errors name `option`). */
export function publicKeyFrom(input: KeyInput, option: string): Uint8Array {
  return inOption(option, () => parsePublicKey(input))
}
