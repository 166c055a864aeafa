import type { Reader } from '../reader.ts'
import { putBytes, putU8 } from '../write.ts'

/** Data bytes of a nonce request: suite (1) ‖ client ID (16) ‖ challenge (16) ‖ session ID (16) ‖ public key (32). */
export const NONCE_REQUEST_SIZE = 81

/**
 * Setup opcode 1, client → server: asks for a server nonce (§5.1).
 * `publicKey` is the client's X25519 public key (ECC) or 32 zero bytes (PSK) — never a secret key.
 */
export type NonceRequest = {
  type: 'nonce-request'
  /** Cipher suite, see `CipherSuiteId` (any u8 decodes; the reference drops suites other than 1 and 2). */
  suite: number
  clientId: Uint8Array
  challenge: Uint8Array
  /** A random value fixed per client instance (§5.2). */
  sessionId: Uint8Array
  publicKey: Uint8Array
}

/** Writes a nonce request's data at `offset`, validating every field. */
export function writeNonceRequest(out: Uint8Array, offset: number, msg: NonceRequest): void {
  let o = putU8(out, offset, 'suite', msg.suite)
  o = putBytes(out, o, 'clientId', msg.clientId, 16)
  o = putBytes(out, o, 'challenge', msg.challenge, 16)
  o = putBytes(out, o, 'sessionId', msg.sessionId, 16)
  putBytes(out, o, 'publicKey', msg.publicKey, 32)
}

/** Reads a nonce request's data fields. */
export function readNonceRequest(r: Reader): NonceRequest {
  return {
    type: 'nonce-request',
    suite: r.u8('suite'),
    clientId: r.bytes(16, 'clientId'),
    challenge: r.bytes(16, 'challenge'),
    sessionId: r.bytes(16, 'sessionId'),
    publicKey: r.bytes(32, 'publicKey'),
  }
}
