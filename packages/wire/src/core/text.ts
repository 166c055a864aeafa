import { Reader } from '../reader.ts'
import { utf8Bytes } from '../utf8.ts'

/** Encodes a `core.print` / `core.error` body: UTF-8 text. */
export function encodeTextBody(text: string): Uint8Array {
  return utf8Bytes('text', text)
}

/** Decodes a `core.print` / `core.error` body. */
export function decodeTextBody(bytes: Uint8Array): string {
  return new Reader(bytes).restUtf8()
}
