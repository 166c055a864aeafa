import {
  CoreTarget,
  decodeAlertBody,
  decodeNfcBody,
  decodeTagBody,
  decodeTagValueBody,
  decodeTextBody,
  type TagBody,
  WireDecodeError,
} from '@pavillion/wire'
import type { Message } from './message.ts'

/** A decoded core message (PROTOCOL.md §13), discriminated by `kind`. */
export type CoreMessage =
  | { readonly kind: 'print'; readonly heading: string; readonly text: string }
  | { readonly kind: 'error'; readonly className: string; readonly text: string }
  | { readonly kind: 'alert'; readonly name: string; readonly abnormal: boolean }
  | { readonly kind: 'tag'; readonly name: string; readonly tag: TagBody }
  | {
      readonly kind: 'tag-value'
      readonly name: string
      readonly value: number
      readonly timestampUs: bigint
    }
  | { readonly kind: 'nfc'; readonly name: string; readonly reader: number; readonly uid: Uint8Array }

/** A tag's value as a receiver's `onTag` / `onTagWrite` handler sees it, after the timestamp rules. */
export interface TagUpdate<P> {
  /** The authenticated sender. */
  readonly sender: P
  /** The tag name. */
  readonly name: string
  /** The value (an f32 on the wire). */
  readonly value: number
  /** The datum's time, µs on the server's monotonic clock; undefined for a short `core.tag` without one. */
  readonly timestampUs: bigint | undefined
  /** The whole declaration for `core.tag`; undefined for a `core.tagv` value. */
  readonly declaration: TagBody | undefined
  /** The message it came in. */
  readonly message: Message<P>
}

/** True for the reserved `core.` targets. */
export function isCoreTarget(target: string): boolean {
  return target.startsWith('core.')
}

/**
 * Decodes a message of a reserved target (`core.print`, `core.error`,
 * `core.alert`, `core.tag`, `core.tagv`, `core.nfc`). Returns undefined for
 * any other target and for a malformed body (a hostile or buggy sender):
 * never throws on input.
 */
export function decodeCoreMessage(
  message: Pick<Message<unknown>, 'target' | 'name' | 'payload'>,
): CoreMessage | undefined {
  const { name, payload } = message
  try {
    switch (message.target) {
      case CoreTarget.Print:
        return { kind: 'print', heading: name, text: decodeTextBody(payload) }
      case CoreTarget.Error:
        return { kind: 'error', className: name, text: decodeTextBody(payload) }
      case CoreTarget.Alert:
        return { kind: 'alert', name, abnormal: decodeAlertBody(payload) }
      case CoreTarget.Tag:
        return { kind: 'tag', name, tag: decodeTagBody(payload) }
      case CoreTarget.TagValue: {
        const { value, timestampUs } = decodeTagValueBody(payload)
        return { kind: 'tag-value', name, value, timestampUs }
      }
      case CoreTarget.Nfc: {
        const { reader, uid } = decodeNfcBody(payload)
        return { kind: 'nfc', name, reader, uid }
      }
      default:
        return undefined
    }
  } catch (error) {
    if (error instanceof WireDecodeError) return undefined
    throw error
  }
}

/** The tag update a decoded `core.tag` / `core.tagv` message carries, or undefined. */
export function tagUpdateOf<P>(message: Message<P>): TagUpdate<P> | undefined {
  const decoded = decodeCoreMessage(message)
  if (decoded?.kind === 'tag') {
    const { tag } = decoded
    return {
      sender: message.sender,
      name: message.name,
      value: tag.value,
      timestampUs: tag.timestampUs,
      declaration: tag,
      message,
    }
  }
  if (decoded?.kind === 'tag-value') {
    return {
      sender: message.sender,
      name: message.name,
      value: decoded.value,
      timestampUs: decoded.timestampUs,
      declaration: undefined,
      message,
    }
  }
  return undefined
}
