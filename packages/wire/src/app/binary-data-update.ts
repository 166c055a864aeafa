import { checkBytes } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { Reader } from '../reader.ts'
import type { StatusBytes } from '../status.ts'
import { newPlaintext } from './plaintext.ts'

/** Opcode 18 (§7.9, documented only): 3 status bytes (§11), then records in a format still "TBD". */
export type BinaryDataUpdate = { type: 'binary-data-update'; status: StatusBytes; records: Uint8Array }

/** Encodes a binary-data-update plaintext: opcode ‖ status (3) ‖ records. */
export function encodeBinaryDataUpdate(msg: BinaryDataUpdate): Uint8Array {
  const status = checkBytes('status', msg.status, 3)
  const records = checkBytes('records', msg.records)
  const out = newPlaintext(AppOpcode.BinaryDataUpdate, 3 + records.length)
  out.set(status, 1)
  out.set(records, 4)
  return out
}

/** Decodes a binary-data-update plaintext; `status` and `records` are subarrays. */
export function decodeBinaryDataUpdate(plaintext: Uint8Array): BinaryDataUpdate {
  const r = new Reader(plaintext, 1)
  return { type: 'binary-data-update', status: r.bytes(3, 'status'), records: r.rest() }
}
