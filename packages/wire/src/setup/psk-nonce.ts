import type { Reader } from '../reader.ts'
import { putBytes } from '../write.ts'

/** Data bytes of a PSK nonce: server nonce (32) ‖ challenge (16) ‖ hash (32). */
export const PSK_NONCE_SIZE = 80

/** Setup opcode 2, server → client: the server nonce, authenticated with the PSK (§5.3). */
export type PskNonce = {
  type: 'psk-nonce'
  serverNonce: Uint8Array
  /** The client's challenge, echoed. */
  challenge: Uint8Array
  /** `H(psk, serverNonce ‖ challenge)`, see {@link pskNonceHashedBytes}. */
  hash: Uint8Array
}

/** Writes a PSK nonce's data at `offset`, validating every field. */
export function writePskNonce(out: Uint8Array, offset: number, msg: PskNonce): void {
  let o = putBytes(out, offset, 'serverNonce', msg.serverNonce, 32)
  o = putBytes(out, o, 'challenge', msg.challenge, 16)
  putBytes(out, o, 'hash', msg.hash, 32)
}

/** Reads a PSK nonce's data fields. */
export function readPskNonce(r: Reader): PskNonce {
  return {
    type: 'psk-nonce',
    serverNonce: r.bytes(32, 'serverNonce'),
    challenge: r.bytes(16, 'challenge'),
    hash: r.bytes(32, 'hash'),
  }
}

/**
 * The 48 bytes a PSK nonce's hash covers: `serverNonce ‖ challenge` (§5.3).
 *
 * @throws InvalidArgumentError unless both are Uint8Arrays of 32 and 16 bytes
 */
export function pskNonceHashedBytes(serverNonce: Uint8Array, challenge: Uint8Array): Uint8Array {
  const out = new Uint8Array(48)
  putBytes(out, putBytes(out, 0, 'serverNonce', serverNonce, 32), 'challenge', challenge, 16)
  return out
}
