import { InvalidArgumentError } from '@pavillion/core'
/** Bytes as the API accepts them: a `Uint8Array` as is, or a string sent as its UTF-8 encoding. */
export type Payload = Uint8Array | string

const encoder = new TextEncoder()

/**
 * The bytes of a payload.
 * @throws InvalidArgumentError when it is neither a string nor a Uint8Array
 */
export function bytesOf(payload: Payload, what: string): Uint8Array {
  if (payload instanceof Uint8Array) return payload
  if (typeof payload === 'string') return encoder.encode(payload)
  throw new InvalidArgumentError(
    `"${what}" expected a Uint8Array or a string (sent as UTF-8), got ${typeof payload}`,
  )
}
