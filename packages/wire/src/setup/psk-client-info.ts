import type { Reader } from '../reader.ts'
import { putBytes, putU8, putU64 } from '../write.ts'

/** Data bytes of a PSK client info: the 89 hashed bytes ‖ hash (32). */
export const PSK_CLIENT_INFO_SIZE = 121
/** Bytes the PSK client info hash covers: suite ‖ client ID ‖ client nonce ‖ server nonce ‖ u64 counter. */
const PSK_CLIENT_INFO_HASHED_SIZE = 89

/** Setup opcode 3, client → server: completes a PSK handshake (§5.4). */
export type PskClientInfo = {
  type: 'psk-client-info'
  suite: number
  clientId: Uint8Array
  clientNonce: Uint8Array
  /** Copied from the PSK nonce. */
  serverNonce: Uint8Array
  /** The client's current send counter (u64). */
  counter: bigint
  /** `H(psk, …)` over {@link pskClientInfoHashedBytes}. */
  hash: Uint8Array
}

/** The fields of a PSK client info that its hash covers. */
export type PskClientInfoHashed = Omit<PskClientInfo, 'type' | 'hash'>

function writeHashed(out: Uint8Array, offset: number, msg: PskClientInfoHashed): number {
  let o = putU8(out, offset, 'suite', msg.suite)
  o = putBytes(out, o, 'clientId', msg.clientId, 16)
  o = putBytes(out, o, 'clientNonce', msg.clientNonce, 32)
  o = putBytes(out, o, 'serverNonce', msg.serverNonce, 32)
  return putU64(out, o, 'counter', msg.counter)
}

/** Writes a PSK client info's data at `offset`, validating every field. */
export function writePskClientInfo(out: Uint8Array, offset: number, msg: PskClientInfo): void {
  putBytes(out, writeHashed(out, offset, msg), 'hash', msg.hash, 32)
}

/** Reads a PSK client info's data fields. */
export function readPskClientInfo(r: Reader): PskClientInfo {
  return {
    type: 'psk-client-info',
    suite: r.u8('suite'),
    clientId: r.bytes(16, 'clientId'),
    clientNonce: r.bytes(32, 'clientNonce'),
    serverNonce: r.bytes(32, 'serverNonce'),
    counter: r.u64('counter'),
    hash: r.bytes(32, 'hash'),
  }
}

/**
 * The 89 bytes a PSK client info's hash covers — datagram bytes [20..109) (§5.4).
 *
 * @throws InvalidArgumentError when a field has the wrong type, length or range
 */
export function pskClientInfoHashedBytes(msg: PskClientInfoHashed): Uint8Array {
  const out = new Uint8Array(PSK_CLIENT_INFO_HASHED_SIZE)
  writeHashed(out, 0, msg)
  return out
}
