import { checkBigInt, checkBytes } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { readU64, writeU64 } from '../int.ts'
import type { StatusBytes } from '../status.ts'

/**
 * Opcode 2: acknowledges the reliable message with packet counter `counter`,
 * optionally with the sender's 3 status bytes (§7.2, §11). Send bare 8-byte
 * acks to reference servers: they drop acks with status.
 */
export type Ack = { type: 'ack'; counter: bigint; status?: StatusBytes }

/** Encodes an ack plaintext: opcode ‖ u64 counter [‖ 3 status bytes]. */
export function encodeAck(msg: Ack): Uint8Array {
  const counter = checkBigInt('counter', msg.counter)
  const status = msg.status === undefined ? undefined : checkBytes('status', msg.status, 3)
  const out = new Uint8Array(status === undefined ? 9 : 12)
  out[0] = AppOpcode.Ack
  writeU64(out, 1, counter)
  if (status !== undefined) out.set(status, 9)
  return out
}

/**
 * Decodes an ack plaintext like the reference client: the first 8 payload
 * bytes are the counter; `status` is present when at least 11 are (a subarray);
 * bytes beyond 11 are ignored.
 */
export function decodeAck(plaintext: Uint8Array): Ack {
  if (plaintext.length < 9) throw new WireDecodeError('TRUNCATED', 1, 'ack: needs an 8-byte counter')
  const counter = readU64(plaintext, 1)
  return plaintext.length < 12
    ? { type: 'ack', counter }
    : { type: 'ack', counter, status: plaintext.subarray(9, 12) }
}
