import { MAX_ARGS_SIZE } from 'pavillion/rpc'
import { encodeApp, MAX_DATAGRAM_SIZE, MAX_PLAINTEXT_SIZE } from 'pavillion/wire'
import { UsageError } from '../usage-error.ts'

/** How many bytes a payload may have, and what carries it: every call and every message is one datagram. */
export interface PayloadLimit {
  readonly max: number
  /** What carries the payload, for the error: "a call", "a message to lights/kitchen". */
  readonly what: string
}

/** A call's arguments (PAYLOAD of `call`, the bytes of `ping --size`). */
export const CALL_LIMIT: PayloadLimit = { max: MAX_ARGS_SIZE, what: 'a call' }

/** The payload of a message to `target`/`name`: what one datagram leaves after its target and name. */
export function messageLimit(target: string, name: string): PayloadLimit {
  const what = `a message to ${target}/${name}`
  try {
    const empty = encodeApp({ type: 'reliable', target, name, body: new Uint8Array(0) }).length
    return { max: Math.max(0, MAX_PLAINTEXT_SIZE - empty), what }
  } catch {
    return { max: MAX_PLAINTEXT_SIZE, what } // a target or name the codec refuses: publish says why
  }
}

/**
 * @throws UsageError, in the same words for every command, when `bytes` is
 * larger than `limit` allows
 */
export function checkPayloadSize(label: string, bytes: number, limit: PayloadLimit): void {
  if (bytes <= limit.max) return
  throw new UsageError(
    `${label} is ${bytes} bytes; ${limit.what} carries at most ${limit.max} bytes of payload: it travels in one ${MAX_DATAGRAM_SIZE}-byte datagram with its header and encryption`,
  )
}
