import { checkBytes, checkString } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { allocateBytes } from '../slab.ts'
import { decodeUtf8, utf8Length, writeUtf8 } from '../utf8.ts'
import { checkPlaintextSize } from './plaintext.ts'

const NEWLINE = 0x0a

/** Opcode 1: a message to `target`, acknowledged by every receiver (§7.1). The keepalive has all fields empty. */
export type ReliableMessage = { type: 'reliable'; target: string; name: string; body: Uint8Array }

/** Opcode 3: as {@link ReliableMessage}, never acknowledged (§7.1). */
export type UnreliableMessage = { type: 'unreliable'; target: string; name: string; body: Uint8Array }

/** The fields of an opcode 1/3 payload. */
export type MessagePayload = { target: string; name: string; body: Uint8Array }

/** Validates the fields and writes `target ‖ 0A ‖ name ‖ 0A ‖ body` after `lead` bytes left for the opcode. */
function build(lead: 0 | 1, target: unknown, name: unknown, body: unknown): Uint8Array {
  const t = checkString('target', target)
  const n = checkString('name', name)
  const b = checkBytes('body', body)
  const tLength = utf8Length('target', t, NEWLINE)
  const nLength = utf8Length('name', n, NEWLINE)
  const payloadSize = tLength + nLength + 2 + b.length
  checkPlaintextSize(1 + payloadSize)
  const out = allocateBytes(lead + payloadSize)
  let o = lead
  writeUtf8(out, o, t, tLength)
  o += tLength
  out[o++] = NEWLINE
  writeUtf8(out, o, n, nLength)
  o += nLength
  out[o++] = NEWLINE
  out.set(b, o)
  return out
}

/**
 * Encodes an opcode 1/3 payload, `target ‖ 0A ‖ name ‖ 0A ‖ body`, without the opcode.
 *
 * @throws InvalidArgumentError when `target`/`name` are not strings or `body` not a Uint8Array
 * @throws InvalidArgumentError when `target` or `name` contains `\n` or a lone surrogate, or the message is too long
 */
export function encodeMessagePayload(target: string, name: string, body: Uint8Array): Uint8Array {
  return build(0, target, name, body)
}

/** Encodes an opcode 1/3 plaintext. */
export function encodeMessage(msg: ReliableMessage | UnreliableMessage): Uint8Array {
  const out = build(1, msg.target, msg.name, msg.body)
  out[0] = msg.type === 'reliable' ? AppOpcode.Reliable : AppOpcode.Unreliable
  return out
}

/** Splits `bytes[start..)` at its first two newlines; `body` is a subarray. */
function split(bytes: Uint8Array, start: number): MessagePayload {
  const first = bytes.indexOf(NEWLINE, start)
  if (first < 0) throw new WireDecodeError('MISSING_SEPARATOR', start, 'target: no terminating newline')
  const second = bytes.indexOf(NEWLINE, first + 1)
  if (second < 0) throw new WireDecodeError('MISSING_SEPARATOR', first + 1, 'name: no terminating newline')
  return {
    target: decodeUtf8(bytes, start, first),
    name: decodeUtf8(bytes, first + 1, second),
    body: bytes.subarray(second + 1),
  }
}

/**
 * Decodes an opcode 1/3 payload (without the opcode). Both separators are
 * mandatory; `body` is a subarray.
 *
 * @throws WireDecodeError `MISSING_SEPARATOR`, `BAD_UTF8`
 * @throws InvalidArgumentError when `payload` is not a Uint8Array
 */
export function decodeMessagePayload(payload: Uint8Array): MessagePayload {
  return split(checkBytes('payload', payload), 0)
}

/** Decodes an opcode 1/3 plaintext. */
export function decodeMessage(
  type: 'reliable' | 'unreliable',
  plaintext: Uint8Array,
): ReliableMessage | UnreliableMessage {
  const { target, name, body } = split(plaintext, 1)
  return { type, target, name, body }
}
