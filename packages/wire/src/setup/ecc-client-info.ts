import { Reader } from '../reader.ts'
import { putBytes, putU8, putU64 } from '../write.ts'

/** Data bytes of an ECC client info: client ID (16) ‖ suite (1) ‖ box nonce (24) ‖ box (120). */
export const ECC_CLIENT_INFO_SIZE = 161
/** Bytes sealed in an ECC client info's box: server nonce ‖ ckey ‖ skey (32 each) ‖ u64 counter. */
const ECC_CLIENT_INFO_PLAINTEXT_SIZE = 104

/** Setup opcode 12, client → server: the session keys, sealed to the server's public key (§5.10). */
export type EccClientInfo = {
  type: 'ecc-client-info'
  clientId: Uint8Array
  suite: number
  boxNonce: Uint8Array
  /** `crypto_box_easy` output (tag ‖ ciphertext) of an {@link EccClientInfoPlaintext}. */
  box: Uint8Array
}

/** What an ECC client info's box holds. */
export type EccClientInfoPlaintext = {
  /** Copied from the ECC nonce. */
  serverNonce: Uint8Array
  /** Key for packets to the server. */
  ckey: Uint8Array
  /** Key for packets to this client. */
  skey: Uint8Array
  /** The client's current send counter (u64). */
  counter: bigint
}

/** Writes an ECC client info's data at `offset`, validating every field. */
export function writeEccClientInfo(out: Uint8Array, offset: number, msg: EccClientInfo): void {
  let o = putBytes(out, offset, 'clientId', msg.clientId, 16)
  o = putU8(out, o, 'suite', msg.suite)
  o = putBytes(out, o, 'boxNonce', msg.boxNonce, 24)
  putBytes(out, o, 'box', msg.box, 120)
}

/** Reads an ECC client info's data fields. */
export function readEccClientInfo(r: Reader): EccClientInfo {
  return {
    type: 'ecc-client-info',
    clientId: r.bytes(16, 'clientId'),
    suite: r.u8('suite'),
    boxNonce: r.bytes(24, 'boxNonce'),
    box: r.bytes(120, 'box'),
  }
}

/**
 * Encodes the 104 bytes to seal in an ECC client info's box.
 *
 * @throws InvalidArgumentError when a field has the wrong type, length or range
 */
export function encodeEccClientInfoPlaintext(p: EccClientInfoPlaintext): Uint8Array {
  const out = new Uint8Array(ECC_CLIENT_INFO_PLAINTEXT_SIZE)
  let o = putBytes(out, 0, 'serverNonce', p.serverNonce, 32)
  o = putBytes(out, o, 'ckey', p.ckey, 32)
  o = putBytes(out, o, 'skey', p.skey, 32)
  putU64(out, o, 'counter', p.counter)
  return out
}

/**
 * Decodes an opened ECC client info box (exactly 104 bytes; byte fields are subarrays).
 *
 * @throws WireDecodeError `TRUNCATED` / `TOO_LONG` for any other length
 */
export function decodeEccClientInfoPlaintext(bytes: Uint8Array): EccClientInfoPlaintext {
  const r = new Reader(bytes)
  const p = {
    serverNonce: r.bytes(32, 'serverNonce'),
    ckey: r.bytes(32, 'ckey'),
    skey: r.bytes(32, 'skey'),
    counter: r.u64('counter'),
  }
  r.end('ECC client info plaintext')
  return p
}
