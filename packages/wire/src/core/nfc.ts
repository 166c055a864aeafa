import { checkBytes, checkInt } from '../check.ts'
import { Reader } from '../reader.ts'

/** A `core.nfc` body: which reader saw which tag UID. */
export type NfcBody = { reader: number; uid: Uint8Array }

/** Encodes a `core.nfc` body: u8 reader index ‖ UID bytes. */
export function encodeNfcBody(body: NfcBody): Uint8Array {
  const reader = checkInt('reader', body.reader, 0xff)
  const uid = checkBytes('uid', body.uid)
  const out = new Uint8Array(1 + uid.length)
  out[0] = reader
  out.set(uid, 1)
  return out
}

/** Decodes a `core.nfc` body; `uid` is a subarray. */
export function decodeNfcBody(bytes: Uint8Array): NfcBody {
  const r = new Reader(bytes)
  return { reader: r.u8('reader'), uid: r.rest() }
}
