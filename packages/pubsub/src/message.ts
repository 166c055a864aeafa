import type { OpcodeEvent } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { AppOpcode, decodeMessagePayload, encodeApp } from '@pavillion/wire'

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
 * @throws InvalidArgumentError when not a string; InvalidArgumentError when it contains `\n` or a lone surrogate
 */
export function checkTarget(target: string): void {
  encodeApp({ type: 'subscribe', target })
}

/**
 * Encodes the plaintext of a publish (opcode 1 or 3).
 * @throws InvalidArgumentError from the codec (a newline in `target` or `name`, a payload too large);
 *   also for an empty target, name and payload, which is the keepalive receivers never deliver
 */
export function encodePublication(
  reliable: boolean,
  target: string,
  name: string,
  payload: Uint8Array,
): Uint8Array {
  const plaintext = encodeApp({ type: reliable ? 'reliable' : 'unreliable', target, name, body: payload })
  if (plaintext.length === 3 && reliable) {
    throw new InvalidArgumentError(
      'an empty target, name and payload is the keepalive: receivers never deliver it',
    )
  }
  return plaintext
}

/**
 * The message an opcode 1 or 3 event carries, or undefined for the keepalive
 * (which the engine does not hand on anyway).
 * @throws WireDecodeError when the payload is malformed (the engine counts it)
 */
export function messageOf<P>(event: OpcodeEvent<P>): Message<P> | undefined {
  const { target, name, body } = decodeMessagePayload(event.payload)
  const reliable = event.opcode === AppOpcode.Reliable
  if (reliable && target === '' && name === '' && body.length === 0) return undefined
  return { sender: event.sender, target, name, payload: body, reliable, counter: event.counter }
}
