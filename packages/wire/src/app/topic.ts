import { checkString } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { decodeUtf8, utf8Length, writeUtf8 } from '../utf8.ts'
import { newPlaintext } from './plaintext.ts'

const NEWLINE = 0x0a

/** Opcode 13: the sender has a listener for `target` (§7.6). Never acknowledged. */
export type Subscribe = { type: 'subscribe'; target: string }

/** Opcode 14: the sender no longer listens to `target` (§7.6; reference clients treat it as subscribe). */
export type Unsubscribe = { type: 'unsubscribe'; target: string }

/** Encodes a subscribe/unsubscribe plaintext: opcode ‖ UTF-8 target (no `\n`, like every message target). */
export function encodeTopic(msg: Subscribe | Unsubscribe): Uint8Array {
  const target = checkString('target', msg.target)
  const length = utf8Length('target', target, NEWLINE)
  const out = newPlaintext(msg.type === 'subscribe' ? AppOpcode.Subscribe : AppOpcode.Unsubscribe, length)
  writeUtf8(out, 1, target, length)
  return out
}

/** Decodes a subscribe/unsubscribe plaintext; a target containing `\n` is `BAD_VALUE`. */
export function decodeTopic(
  type: 'subscribe' | 'unsubscribe',
  plaintext: Uint8Array,
): Subscribe | Unsubscribe {
  const newline = plaintext.indexOf(NEWLINE, 1)
  if (newline >= 0) throw new WireDecodeError('BAD_VALUE', newline, 'target: contains a newline')
  return { type, target: decodeUtf8(plaintext, 1, plaintext.length) }
}
