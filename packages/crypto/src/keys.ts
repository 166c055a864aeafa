import { InvalidArgumentError } from '@pavillion/wire'
import { typeName } from './check.ts'
import { ID_LENGTH, KEY_LENGTH } from './constants.ts'
import { fromBase64, fromHex, isHex, utf8 } from './encoding.ts'
import { PresharedKey, SecretKey } from './secret.ts'

const KEY_FORMS = `${KEY_LENGTH} raw bytes, ${2 * KEY_LENGTH} hex characters, or standard base64 with padding (44 characters ending in '=')`

/**
 * Decodes a 32-byte key given in one of the forms the reference accepts (PROTOCOL.md §4.5):
 * a Uint8Array of exactly 32 bytes (copied), a 64-character string (always hex, either case),
 * or any other string as strict padded standard base64 that decodes to 32 bytes.
 * Messages describe the input's shape, never its content.
 */
function decodeKey(what: string, input: unknown): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length !== KEY_LENGTH)
      throw new InvalidArgumentError(
        `${what} must be ${KEY_LENGTH} bytes, got ${input.length} bytes; pass text forms (hex, base64) as a string`,
      )
    return input.slice()
  }
  if (typeof input !== 'string')
    throw new InvalidArgumentError(
      `${what} must be a string or a Uint8Array, got type=${typeName(input)}; give ${KEY_FORMS}`,
    )
  if (input.length === 2 * KEY_LENGTH) {
    if (!isHex(input))
      throw new InvalidArgumentError(
        `${what}: a ${input.length}-character string is read as hex and may contain only 0-9a-fA-F`,
      )
    return fromHex(input)
  }
  // A string of hex digits only is a hex key of the wrong length (a 32-byte base64 key ends in '=').
  if (input.length > 0 && isHex(input))
    throw new InvalidArgumentError(
      `${what}: a ${input.length}-character hex string ${input.length % 2 === 0 ? `gives ${input.length / 2} bytes, not ${KEY_LENGTH}` : 'has an odd number of digits'}; give ${KEY_FORMS}`,
    )
  let bytes: Uint8Array
  try {
    bytes = fromBase64(input)
  } catch {
    throw new InvalidArgumentError(
      `${what}: a ${input.length}-character string is neither hex nor valid base64; give ${KEY_FORMS}`,
    )
  }
  if (bytes.length !== KEY_LENGTH) {
    bytes.fill(0)
    throw new InvalidArgumentError(
      `${what}: the base64 text decodes to ${bytes.length} bytes, not ${KEY_LENGTH}; give ${KEY_FORMS}`,
    )
  }
  return bytes
}

/** Wraps freshly decoded bytes in a secret and zeroes the temporary copy. */
function adopt<T>(bytes: Uint8Array, wrap: (bytes: Uint8Array) => T): T {
  try {
    return wrap(bytes)
  } finally {
    bytes.fill(0)
  }
}

/**
 * Parses a pre-shared key: 32 raw bytes, 64 hex characters (either case), or padded standard
 * base64 of 32 bytes (PROTOCOL.md §4.5). Unpadded or URL-safe base64 is rejected. A PSK must be
 * a full-strength random key (see `generatePsk`), never a password.
 *
 * @throws InvalidArgumentError when `input` is neither a string nor a Uint8Array
 * @throws InvalidArgumentError when it is not one of the accepted forms of 32 bytes
 */
export function parsePsk(input: string | Uint8Array): PresharedKey {
  return adopt(decodeKey('PSK', input), (bytes) => PresharedKey.from(bytes))
}

/**
 * Parses an X25519 public key in the same forms as {@link parsePsk}.
 *
 * @throws InvalidArgumentError when `input` is neither a string nor a Uint8Array
 * @throws InvalidArgumentError when it is not one of the accepted forms of 32 bytes
 */
export function parsePublicKey(input: string | Uint8Array): Uint8Array {
  return decodeKey('public key', input)
}

/**
 * Parses an X25519 secret key in the same forms as {@link parsePsk}.
 *
 * @throws InvalidArgumentError when `input` is neither a string nor a Uint8Array
 * @throws InvalidArgumentError when it is not one of the accepted forms of 32 bytes
 */
export function parseSecretKey(input: string | Uint8Array): SecretKey {
  return adopt(decodeKey('secret key', input), (bytes) => SecretKey.from(bytes))
}

/**
 * Parses a 16-byte client ID: a Uint8Array of exactly 16 bytes (copied), a string of 32 hex
 * characters, or any other string whose UTF-8 encoding is exactly 16 bytes (such as
 * `'interop-client01'`).
 *
 * @throws InvalidArgumentError when `input` is neither a string nor a Uint8Array
 * @throws InvalidArgumentError when it does not give exactly 16 bytes
 */
export function parseClientId(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length !== ID_LENGTH)
      throw new InvalidArgumentError(`client ID must be ${ID_LENGTH} bytes, got ${input.length}`)
    return input.slice()
  }
  if (typeof input !== 'string')
    throw new InvalidArgumentError(`client ID must be a string or a Uint8Array, got type=${typeName(input)}`)
  if (input.length === 2 * ID_LENGTH && isHex(input)) return fromHex(input)
  const bytes = utf8(input)
  if (bytes.length !== ID_LENGTH)
    throw new InvalidArgumentError(
      `client ID must be ${2 * ID_LENGTH} hex characters or text of exactly ${ID_LENGTH} UTF-8 bytes, got ${bytes.length} bytes`,
    )
  return bytes
}
