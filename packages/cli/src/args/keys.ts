import {
  InvalidArgumentError,
  type PresharedKey,
  parseClientId,
  parsePsk,
  parsePublicKey,
  parseSecretKey,
  type SecretKey,
} from 'pavillion'
import { UsageError } from '../usage-error.ts'

/** Runs a parser and turns its InvalidArgumentError into a UsageError naming the flag (never the value). */
function asFlag<T>(flag: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`)
  }
}

const KEY_HINT = '(64 hex characters or base64; `pavillion keygen` makes one)'

/**
 * A PSK from text. @throws UsageError for a malformed key
 */
export function pskArg(flag: string, text: string): PresharedKey {
  return asFlag(flag, () => {
    try {
      return parsePsk(text)
    } catch (error) {
      throw new InvalidArgumentError(`${(error as Error).message} ${KEY_HINT}`)
    }
  })
}

/** An X25519 secret key from text. @throws UsageError for a malformed key */
export function secretKeyArg(flag: string, text: string): SecretKey {
  return asFlag(flag, () => parseSecretKey(text))
}

/** An X25519 public key from text. @throws UsageError for a malformed key */
export function publicKeyArg(flag: string, text: string): Uint8Array {
  return asFlag(flag, () => parsePublicKey(text))
}

/** A client ID: 32 hex characters or text of exactly 16 UTF-8 bytes. @throws UsageError otherwise */
export function clientIdArg(flag: string, text: string): Uint8Array {
  return asFlag(flag, () => parseClientId(text))
}
