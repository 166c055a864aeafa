import { checkBigInt } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { readU64, writeU64 } from '../int.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'

/** Opcode 20: asks the receiver for its clocks (§7.7). Empty payload. */
export type TimeSyncRequest = { type: 'time-sync-request' }

/**
 * Opcode 21: answers the request sent with packet counter `requestCounter`
 * (§7.7). Clocks in µs; the reference sends `wallUs` (Unix epoch), embedded
 * servers omit it; `taiUs` is documented but never sent.
 */
export type TimeSyncResponse = {
  type: 'time-sync-response'
  requestCounter: bigint
  monotonicUs: bigint
  wallUs?: bigint
  taiUs?: bigint
}

/** Encodes a time-sync response plaintext: opcode ‖ u64 counter ‖ u64 mono [‖ u64 wall [‖ u64 TAI]]. */
export function encodeTimeSyncResponse(msg: TimeSyncResponse): Uint8Array {
  const fields = [
    checkBigInt('requestCounter', msg.requestCounter),
    checkBigInt('monotonicUs', msg.monotonicUs),
  ]
  if (msg.wallUs !== undefined) fields.push(checkBigInt('wallUs', msg.wallUs))
  if (msg.taiUs !== undefined) {
    if (msg.wallUs === undefined)
      throw new InvalidArgumentError('"taiUs" requires "wallUs": the wire layout has no gap')
    fields.push(checkBigInt('taiUs', msg.taiUs))
  }
  const out = new Uint8Array(1 + 8 * fields.length)
  out[0] = AppOpcode.TimeSyncResponse
  for (let i = 0; i < fields.length; i++) writeU64(out, 1 + 8 * i, fields[i]!)
  return out
}

/** Decodes a time-sync response plaintext: 16, 24 or 32 payload bytes, else `BAD_LENGTH` (`TRUNCATED` under 16). */
export function decodeTimeSyncResponse(plaintext: Uint8Array): TimeSyncResponse {
  const size = plaintext.length - 1
  if (size < 16) throw new WireDecodeError('TRUNCATED', 1, 'time-sync response: needs at least 16 bytes')
  if (size !== 16 && size !== 24 && size !== 32)
    throw new WireDecodeError('BAD_LENGTH', 1, `time-sync response: ${size} bytes, expected 16, 24 or 32`)
  const msg: TimeSyncResponse = {
    type: 'time-sync-response',
    requestCounter: readU64(plaintext, 1),
    monotonicUs: readU64(plaintext, 9),
  }
  if (size >= 24) msg.wallUs = readU64(plaintext, 17)
  if (size === 32) msg.taiUs = readU64(plaintext, 25)
  return msg
}
