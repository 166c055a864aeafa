import { unknownMessageType } from '../check.ts'
import { HEADER_SIZE, SetupOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { setupDatagram } from '../frame.ts'
import { Reader } from '../reader.ts'
import {
  ECC_CLIENT_INFO_SIZE,
  type EccClientInfo,
  readEccClientInfo,
  writeEccClientInfo,
} from './ecc-client-info.ts'
import { ECC_NONCE_SIZE, type EccNonce, readEccNonce, writeEccNonce } from './ecc-nonce.ts'
import {
  NONCE_REQUEST_SIZE,
  type NonceRequest,
  readNonceRequest,
  writeNonceRequest,
} from './nonce-request.ts'
import {
  type InvalidClientId,
  type NewServerJoin,
  readInvalidClientId,
  readSessionAccepted,
  type SessionAccepted,
  type UnrecognizedClient,
  writeInvalidClientId,
  writeSessionAccepted,
} from './notices.ts'
import {
  PSK_CLIENT_INFO_SIZE,
  type PskClientInfo,
  readPskClientInfo,
  writePskClientInfo,
} from './psk-client-info.ts'
import { PSK_NONCE_SIZE, type PskNonce, readPskNonce, writePskNonce } from './psk-nonce.ts'

/** Any setup message (§5), discriminated by `type`. */
export type SetupMessage =
  | NonceRequest
  | PskNonce
  | PskClientInfo
  | UnrecognizedClient
  | NewServerJoin
  | InvalidClientId
  | SessionAccepted
  | EccNonce
  | EccClientInfo

/** Where setup data starts in a datagram: after the header and the opcode byte. */
const DATA = HEADER_SIZE + 1

/** Allocates the datagram of setup message `opcode` and lets `write` fill in its `size` data bytes. */
function build<M>(
  opcode: number,
  size: number,
  write: (out: Uint8Array, offset: number, msg: M) => void,
  msg: M,
) {
  const out = setupDatagram(opcode, size)
  write(out, DATA, msg)
  return out
}

/**
 * Encodes a setup message as a whole datagram: magic ‖ counter 0 ‖ opcode ‖ data,
 * allocated once at its exact size.
 *
 * @throws InvalidArgumentError naming the field when a field has the wrong type, length or range,
 *   or when `type` is not a setup message type
 */
export function encodeSetup(msg: SetupMessage): Uint8Array {
  switch (msg.type) {
    case 'nonce-request':
      return build(SetupOpcode.NonceRequest, NONCE_REQUEST_SIZE, writeNonceRequest, msg)
    case 'psk-nonce':
      return build(SetupOpcode.PskNonce, PSK_NONCE_SIZE, writePskNonce, msg)
    case 'psk-client-info':
      return build(SetupOpcode.PskClientInfo, PSK_CLIENT_INFO_SIZE, writePskClientInfo, msg)
    case 'unrecognized-client':
      return setupDatagram(SetupOpcode.UnrecognizedClient, 0)
    case 'new-server-join':
      return setupDatagram(SetupOpcode.NewServerJoin, 0)
    case 'invalid-client-id':
      return build(SetupOpcode.InvalidClientId, 16, writeInvalidClientId, msg)
    case 'session-accepted':
      return build(SetupOpcode.SessionAccepted, 16, writeSessionAccepted, msg)
    case 'ecc-nonce':
      return build(SetupOpcode.EccNonce, ECC_NONCE_SIZE, writeEccNonce, msg)
    case 'ecc-client-info':
      return build(SetupOpcode.EccClientInfo, ECC_CLIENT_INFO_SIZE, writeEccClientInfo, msg)
    default:
      throw unknownMessageType('setup', msg)
  }
}

/** Reads the data of setup message `opcode`. */
function readData(opcode: number, r: Reader): SetupMessage {
  switch (opcode) {
    case SetupOpcode.NonceRequest:
      return readNonceRequest(r)
    case SetupOpcode.PskNonce:
      return readPskNonce(r)
    case SetupOpcode.PskClientInfo:
      return readPskClientInfo(r)
    case SetupOpcode.UnrecognizedClient:
      return { type: 'unrecognized-client' }
    case SetupOpcode.NewServerJoin:
      return { type: 'new-server-join' }
    case SetupOpcode.InvalidClientId:
      return readInvalidClientId(r)
    case SetupOpcode.SessionAccepted:
      return readSessionAccepted(r)
    case SetupOpcode.EccNonce:
      return readEccNonce(r)
    case SetupOpcode.EccClientInfo:
      return readEccClientInfo(r)
    default:
      throw new WireDecodeError('UNKNOWN_OPCODE', 0, `unknown setup opcode ${String(opcode)}`)
  }
}

/**
 * Decodes the data of a setup frame (`decodeFrame`'s `opcode` and `data`).
 * Lengths are exact (§5: 81, 80, 121, 0, 0, 16, 16, 88, 161 bytes); byte fields
 * are subarrays of `data`; error offsets are relative to `data` (0 for `UNKNOWN_OPCODE`).
 *
 * @throws WireDecodeError `UNKNOWN_OPCODE`, `TRUNCATED` (too short), `TOO_LONG` (trailing bytes)
 * @throws InvalidArgumentError when `data` is not a Uint8Array
 */
export function decodeSetup(opcode: number, data: Uint8Array): SetupMessage {
  const r = new Reader(data)
  const msg = readData(opcode, r)
  r.end(msg.type)
  return msg
}
