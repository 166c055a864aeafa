import type { MessageEvent } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'

/** A message delivered to a subscriber. */
export interface Message<P> {
  /** The authenticated sender: `ClientInfo` on a server, `ServerInfo` on a client. */
  readonly sender: P
  readonly target: string
  readonly name: string
  /** The body (a view of the decrypted packet; copy it to keep it beyond the handler if you mutate buffers). */
  readonly payload: Uint8Array
  /** True for opcode 1 (the engine acknowledged it), false for opcode 3. */
  readonly reliable: boolean
  /** The sender's packet counter. */
  readonly counter: bigint
}

/** The wildcard target: a subscription to it receives every target. Local only, never announced. */
export const ALL_TARGETS = '*'

/** True for the empty target and the wildcard, which a server never announces (PROTOCOL.md §7.6). */
export function isLocalTarget(target: string): boolean {
  return target === '' || target === ALL_TARGETS
}

/**
 * Validates a target a listener is registered for (the same rules as on the wire).
 * @throws TypeError when not a string; RangeError when it contains `\n` or a lone surrogate
 */
export function checkTarget(target: string): void {
  encodeApp({ type: 'subscribe', target })
}

/**
 * Encodes the plaintext of a publish (opcode 1 or 3).
 * @throws TypeError / RangeError from the codec (a newline in `target` or `name`, a payload too large);
 *   RangeError for an empty target, name and payload, which is the keepalive receivers never deliver
 */
export function encodePublication(
  reliable: boolean,
  target: string,
  name: string,
  payload: Uint8Array,
): Uint8Array {
  const plaintext = encodeApp({ type: reliable ? 'reliable' : 'unreliable', target, name, body: payload })
  if (plaintext.length === 3 && reliable) {
    throw new RangeError('an empty target, name and payload is the keepalive: receivers never deliver it')
  }
  return plaintext
}

/** The message an engine event carries, or undefined for anything else (and for the keepalive). */
export function messageOf<P>(event: MessageEvent<P>): Message<P> | undefined {
  const { message } = event
  if (message.type !== 'reliable' && message.type !== 'unreliable') return undefined
  const reliable = message.type === 'reliable'
  if (reliable && message.target === '' && message.name === '' && message.body.length === 0) return undefined
  return {
    sender: event.peer,
    target: message.target,
    name: message.name,
    payload: message.body,
    reliable,
    counter: event.counter,
  }
}
