import { checkBytes, checkInt, unknownMessageType } from '../check.ts'
import { AppOpcode, MAX_PLAINTEXT_SIZE } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'
import { allocateBytes } from '../slab.ts'
import { type Ack, decodeAck, encodeAck } from './ack.ts'
import {
  type BinaryDataUpdate,
  decodeBinaryDataUpdate,
  encodeBinaryDataUpdate,
} from './binary-data-update.ts'
import { decodeMessage, encodeMessage, type ReliableMessage, type UnreliableMessage } from './message.ts'
import { newPlaintext } from './plaintext.ts'
import { decodeRegister, encodeRegister, type RegisterMessage } from './register.ts'
import {
  decodeRpcCall,
  decodeRpcResponse,
  encodeRpcCall,
  encodeRpcResponse,
  type RpcCall,
  type RpcResponse,
} from './rpc.ts'
import {
  type ClientAccept,
  decodeClientAccept,
  decodeQuit,
  encodeClientAccept,
  encodeQuit,
  type Quit,
} from './session.ts'
import {
  decodeTimeSyncResponse,
  encodeTimeSyncResponse,
  type TimeSyncRequest,
  type TimeSyncResponse,
} from './time-sync.ts'
import { decodeTopic, encodeTopic, type Subscribe, type Unsubscribe } from './topic.ts'

/**
 * A plaintext whose opcode this protocol does not define (0, 11, 15, 17, 19,
 * 22–255). Not an error, so a receiver can count and drop it.
 */
export type UnknownAppMessage = { type: 'unknown'; opcode: number; payload: Uint8Array }

/** Any application message (§7): the plaintext inside a secure frame, discriminated by `type`. */
export type AppMessage =
  | ReliableMessage
  | UnreliableMessage
  | Ack
  | RpcCall
  | RpcResponse
  | Quit
  | Subscribe
  | Unsubscribe
  | ClientAccept
  | TimeSyncRequest
  | TimeSyncResponse
  | RegisterMessage
  | BinaryDataUpdate
  | UnknownAppMessage

const KNOWN_OPCODES: ReadonlySet<number> = new Set(Object.values(AppOpcode))

/**
 * Encodes an application message as the plaintext to seal: opcode ‖ payload,
 * allocated once at its exact size.
 *
 * @throws InvalidArgumentError naming the field when a field has the wrong type, length or range,
 *   when the plaintext would exceed {@link MAX_PLAINTEXT_SIZE}, or when `type` is unknown
 */
export function encodeApp(msg: AppMessage): Uint8Array {
  switch (msg.type) {
    case 'reliable':
    case 'unreliable':
      return encodeMessage(msg)
    case 'ack':
      return encodeAck(msg)
    case 'rpc-call':
      return encodeRpcCall(msg)
    case 'rpc-response':
      return encodeRpcResponse(msg)
    case 'quit':
      return encodeQuit(msg)
    case 'subscribe':
    case 'unsubscribe':
      return encodeTopic(msg)
    case 'client-accept':
      return encodeClientAccept(msg)
    case 'time-sync-request':
      return Uint8Array.of(AppOpcode.TimeSyncRequest)
    case 'time-sync-response':
      return encodeTimeSyncResponse(msg)
    case 'register-read':
    case 'register-declaration':
    case 'observe':
    case 'register-info-request':
    case 'register-info':
      return encodeRegister(msg)
    case 'binary-data-update':
      return encodeBinaryDataUpdate(msg)
    case 'unknown': {
      const opcode = checkInt('opcode', msg.opcode, 0xff)
      if (KNOWN_OPCODES.has(opcode))
        throw new InvalidArgumentError(`"opcode" ${opcode} is a defined opcode; use its message type`)
      const payload = checkBytes('payload', msg.payload)
      const out = newPlaintext(opcode, payload.length)
      out.set(payload, 1)
      return out
    }
    default:
      throw unknownMessageType('app', msg)
  }
}

/**
 * Decodes a decrypted plaintext: `plaintext[0]` is the opcode. Byte fields are
 * subarrays of `plaintext` (no copy); error offsets are relative to it.
 * Undefined opcodes decode to {@link UnknownAppMessage}.
 *
 * @throws WireDecodeError `TRUNCATED` (empty, or a payload too short), `TOO_LONG` (over
 *   {@link MAX_PLAINTEXT_SIZE}, or trailing bytes after a fixed layout), `BAD_LENGTH`,
 *   `MISSING_SEPARATOR`, `BAD_UTF8`, `BAD_VALUE`
 * @throws InvalidArgumentError when `plaintext` is not a Uint8Array
 */
export function decodeApp(plaintext: Uint8Array): AppMessage {
  checkBytes('plaintext', plaintext)
  if (plaintext.length === 0) throw new WireDecodeError('TRUNCATED', 0, 'plaintext has no opcode')
  if (plaintext.length > MAX_PLAINTEXT_SIZE)
    throw new WireDecodeError(
      'TOO_LONG',
      MAX_PLAINTEXT_SIZE,
      `plaintext of ${plaintext.length} bytes exceeds ${MAX_PLAINTEXT_SIZE}`,
    )
  const opcode = plaintext[0]!
  switch (opcode) {
    case AppOpcode.Reliable:
      return decodeMessage('reliable', plaintext)
    case AppOpcode.Ack:
      return decodeAck(plaintext)
    case AppOpcode.Unreliable:
      return decodeMessage('unreliable', plaintext)
    case AppOpcode.RpcCall:
      return decodeRpcCall(plaintext)
    case AppOpcode.RpcResponse:
      return decodeRpcResponse(plaintext)
    case AppOpcode.RegisterRead:
    case AppOpcode.RegisterDeclaration:
    case AppOpcode.Observe:
    case AppOpcode.RegisterInfoRequest:
    case AppOpcode.RegisterInfo:
      return decodeRegister(opcode, plaintext)
    case AppOpcode.Quit:
      return decodeQuit(plaintext)
    case AppOpcode.Subscribe:
      return decodeTopic('subscribe', plaintext)
    case AppOpcode.Unsubscribe:
      return decodeTopic('unsubscribe', plaintext)
    case AppOpcode.ClientAccept:
      return decodeClientAccept(plaintext)
    case AppOpcode.BinaryDataUpdate:
      return decodeBinaryDataUpdate(plaintext)
    case AppOpcode.TimeSyncRequest:
      if (plaintext.length > 1)
        throw new WireDecodeError('TOO_LONG', 1, 'time-sync request: payload must be empty')
      return { type: 'time-sync-request' }
    case AppOpcode.TimeSyncResponse:
      return decodeTimeSyncResponse(plaintext)
    default:
      return { type: 'unknown', opcode, payload: plaintext.subarray(1) }
  }
}

/**
 * Decodes an application message given as its opcode and payload (the
 * plaintext after the opcode byte), exactly as {@link decodeApp} decodes
 * `opcode ‖ payload`: what a layer does with the payload the engine hands it.
 * When the byte before `payload` in its buffer is `opcode` (as in the
 * engine's opcode events, whose payload is the plaintext after its opcode),
 * it decodes that view without copying, and byte fields share `payload`'s
 * buffer; otherwise they are subarrays of a fresh copy.
 *
 * @throws WireDecodeError as {@link decodeApp}
 * @throws InvalidArgumentError when `opcode` is not an integer in 0–255, or when `payload` is not a Uint8Array
 */
export function decodeAppPayload(opcode: number, payload: Uint8Array): AppMessage {
  checkBytes('payload', payload)
  checkInt('opcode', opcode, 0xff)
  const { buffer, byteOffset, length } = payload
  if (byteOffset > 0) {
    const whole = new Uint8Array(buffer, byteOffset - 1, length + 1)
    if (whole[0] === opcode) return decodeApp(whole)
  }
  const plaintext = allocateBytes(1 + length)
  plaintext[0] = opcode
  plaintext.set(payload, 1)
  return decodeApp(plaintext)
}
