import sodium from 'libsodium-wrappers'
import { assertBytes } from './check.ts'
import { KEY_LENGTH } from './constants.ts'
import { CryptoError } from './errors.ts'

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/** What every string form of a secret shows instead of its bytes. */
export const REDACTED = '[redacted]'

/** Copies `bytes` after checking its type and, when given, its length. */
function copyOf(name: string, bytes: unknown, length?: number): Uint8Array {
  assertBytes(name, bytes, length)
  return bytes.slice()
}

/**
 * Secret key material held in a private field.
 *
 * The bytes never appear in `String(secret)`, template strings, `JSON.stringify` or
 * `util.inspect` (all show `[redacted]`); read them only through {@link Secret.expose}.
 * `from` copies its input, so the caller may wipe its own buffer afterwards. Comparison
 * (`sodium.memcmp`) and wiping (`sodium.memzero`) are plain JavaScript in libsodium-wrappers
 * and work before `loadCrypto()` has resolved.
 */
export class Secret {
  readonly #bytes: Uint8Array
  #wiped = false

  /** Takes ownership of `bytes` (already copied and checked); use the static `from`. */
  protected constructor(bytes: Uint8Array) {
    this.#bytes = bytes
  }

  /**
   * A secret holding a copy of `bytes` (any length).
   *
   * @throws InvalidArgumentError when `bytes` is not a Uint8Array
   */
  static from(bytes: Uint8Array): Secret {
    return new Secret(copyOf('Secret', bytes))
  }

  /** Number of secret bytes. */
  get length(): number {
    return this.#bytes.length
  }

  /** Whether {@link Secret.wipe} has been called. */
  get wiped(): boolean {
    return this.#wiped
  }

  /**
   * The secret bytes themselves, not a copy: use them immediately, never keep or mutate the array.
   *
   * @throws CryptoError (`ERR_KEY_WIPED`) after {@link Secret.wipe}, so that a wiped (all-zero) key is never used
   */
  expose(): Uint8Array {
    if (this.#wiped)
      throw new CryptoError('ERR_KEY_WIPED', `${this.constructor.name} was wiped and can no longer be used`)
    return this.#bytes
  }

  /**
   * Constant-time comparison: true when `other` is the same kind of secret with the same bytes.
   * Wiped secrets equal nothing.
   */
  equals(other: Secret): boolean {
    if (!(other instanceof Secret) || other.constructor !== this.constructor) return false
    if (this.#wiped || other.#wiped || other.#bytes.length !== this.#bytes.length) return false
    return sodium.memcmp(this.#bytes, other.#bytes)
  }

  /** Overwrites the bytes with zeros; the secret is unusable afterwards. Idempotent. */
  wipe(): void {
    sodium.memzero(this.#bytes)
    this.#wiped = true
  }

  /** Wipes the secret at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.wipe()
  }

  /** Always {@link REDACTED}. */
  toString(): string {
    return REDACTED
  }

  /** Always {@link REDACTED}, so `JSON.stringify` never serialises key material. */
  toJSON(): string {
    return REDACTED
  }

  /** Always {@link REDACTED} (template strings, `+ ''`, `String()`). */
  [Symbol.toPrimitive](): string {
    return REDACTED
  }

  /** Always {@link REDACTED} (Node's `util.inspect`, `console.log`). */
  [INSPECT](): string {
    return REDACTED
  }
}

/** A 32-byte pre-shared key (cipher suite 1). Create one with `parsePsk` or `generatePsk`. */
export class PresharedKey extends Secret {
  /**
   * A PSK holding a copy of `bytes`.
   *
   * @throws InvalidArgumentError when `bytes` is not a Uint8Array
   * @throws InvalidArgumentError when it is not 32 bytes long
   */
  static override from(bytes: Uint8Array): PresharedKey {
    return new PresharedKey(copyOf('PresharedKey', bytes, KEY_LENGTH))
  }
}

/**
 * A 32-byte secretbox key (ckey or skey). No usage limit is tracked: each key is used with
 * at most 2^64 - 1 distinct counter nonces, far below XSalsa20-Poly1305's limits (see README).
 */
export class SymmetricKey extends Secret {
  /**
   * A symmetric key holding a copy of `bytes`.
   *
   * @throws InvalidArgumentError when `bytes` is not a Uint8Array
   * @throws InvalidArgumentError when it is not 32 bytes long
   */
  static override from(bytes: Uint8Array): SymmetricKey {
    return new SymmetricKey(copyOf('SymmetricKey', bytes, KEY_LENGTH))
  }
}

/** A 32-byte X25519 secret key (cipher suite 2). */
export class SecretKey extends Secret {
  /**
   * An X25519 secret key holding a copy of `bytes`.
   *
   * @throws InvalidArgumentError when `bytes` is not a Uint8Array
   * @throws InvalidArgumentError when it is not 32 bytes long
   */
  static override from(bytes: Uint8Array): SecretKey {
    return new SecretKey(copyOf('SecretKey', bytes, KEY_LENGTH))
  }
}
