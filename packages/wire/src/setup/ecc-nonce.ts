import { Reader } from '../reader.ts'
import { putBytes } from '../write.ts'

/** Data bytes of an ECC nonce: box nonce (24) ‖ box (64). */
export const ECC_NONCE_SIZE = 88
/** Bytes sealed in an ECC nonce's box: server nonce (32) ‖ challenge (16). */
const ECC_NONCE_PLAINTEXT_SIZE = 48

/** Setup opcode 11, server → client: the server nonce, sealed to the client's public key (§5.9). */
export type EccNonce = {
  type: 'ecc-nonce'
  boxNonce: Uint8Array
  /** `crypto_box_easy` output (tag ‖ ciphertext) of an {@link EccNoncePlaintext}. */
  box: Uint8Array
}

/** What an ECC nonce's box holds. */
export type EccNoncePlaintext = { serverNonce: Uint8Array; challenge: Uint8Array }

/** Writes an ECC nonce's data at `offset`, validating every field. */
export function writeEccNonce(out: Uint8Array, offset: number, msg: EccNonce): void {
  putBytes(out, putBytes(out, offset, 'boxNonce', msg.boxNonce, 24), 'box', msg.box, 64)
}

/** Reads an ECC nonce's data fields. */
export function readEccNonce(r: Reader): EccNonce {
  return { type: 'ecc-nonce', boxNonce: r.bytes(24, 'boxNonce'), box: r.bytes(64, 'box') }
}

/**
 * Encodes the 48 bytes to seal in an ECC nonce's box.
 *
 * @throws InvalidArgumentError unless the fields are Uint8Arrays of 32 and 16 bytes
 */
export function encodeEccNoncePlaintext(p: EccNoncePlaintext): Uint8Array {
  const out = new Uint8Array(ECC_NONCE_PLAINTEXT_SIZE)
  putBytes(out, putBytes(out, 0, 'serverNonce', p.serverNonce, 32), 'challenge', p.challenge, 16)
  return out
}

/**
 * Decodes an opened ECC nonce box (exactly 48 bytes; fields are subarrays).
 *
 * @throws WireDecodeError `TRUNCATED` / `TOO_LONG` for any other length
 */
export function decodeEccNoncePlaintext(bytes: Uint8Array): EccNoncePlaintext {
  const r = new Reader(bytes)
  const p = { serverNonce: r.bytes(32, 'serverNonce'), challenge: r.bytes(16, 'challenge') }
  r.end('ECC nonce plaintext')
  return p
}
