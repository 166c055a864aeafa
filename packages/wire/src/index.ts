/**
 * @packageDocumentation
 * The Pavillion wire codec: every datagram and payload of the Pavillion UDP
 * protocol (PROTOCOL.md §3, §5, §7, §11–§13) as typed values, byte-exact with
 * the Python reference. No dependencies, no I/O, no crypto: secure frames
 * carry sealed boxes that `@pavillion/crypto` opens into plaintexts decoded here.
 *
 * Decoders are strict and total — malformed input throws {@link WireDecodeError}
 * and nothing else; byte fields of decoded values are subarrays of the input.
 * Encoders validate their input ({@link InvalidArgumentError} naming the field).
 * Every error is a {@link PavillionError}, the base class the other packages re-export.
 *
 * @example
 * ```ts
 * import { decodeApp, decodeFrame, decodeSetup, encodeApp, encodeSetup } from '@pavillion/wire'
 *
 * const datagram = encodeSetup({ type: 'session-accepted', sessionId: new Uint8Array(16) })
 * const frame = decodeFrame(datagram)
 * if (frame.kind === 'setup') {
 *   const msg = decodeSetup(frame.opcode, frame.data) // { type: 'session-accepted', sessionId }
 * }
 *
 * const plaintext = encodeApp({ type: 'rpc-call', fn: 401, args: new TextEncoder().encode('hi') })
 * // … seal `plaintext` with the session key, send encodeSecureFrame(counter, box) …
 * const call = decodeApp(plaintext) // { type: 'rpc-call', fn: 401, args: Uint8Array [0x68, 0x69] }
 * ```
 */

export type { Ack } from './app/ack.ts'
export {
  type AppMessage,
  decodeApp,
  decodeAppPayload,
  encodeApp,
  type UnknownAppMessage,
} from './app/app-message.ts'
export type { BinaryDataUpdate } from './app/binary-data-update.ts'
export {
  decodeMessagePayload,
  encodeMessagePayload,
  type MessagePayload,
  type ReliableMessage,
  type UnreliableMessage,
} from './app/message.ts'
export type {
  Observe,
  RegisterDeclaration,
  RegisterInfo,
  RegisterInfoRequest,
  RegisterMessage,
  RegisterRead,
} from './app/register.ts'
export type { RpcCall, RpcResponse } from './app/rpc.ts'
export type { ClientAccept, Quit } from './app/session.ts'
export type { TimeSyncRequest, TimeSyncResponse } from './app/time-sync.ts'
export type { Subscribe, Unsubscribe } from './app/topic.ts'
export {
  AppOpcode,
  CipherSuiteId,
  HEADER_SIZE,
  MAC_SIZE,
  MAX_DATAGRAM_SIZE,
  MAX_PLAINTEXT_SIZE,
  MIN_SECURE_DATAGRAM,
  PLAINTEXT_MAGIC,
  RECOMMENDED_MAX_DATAGRAM,
  RpcStatus,
  rpcStatusName,
  SECURE_MAGIC,
  SECURE_OVERHEAD,
  SetupOpcode,
} from './constants.ts'
export { decodeAlertBody, encodeAlertBody } from './core/alert.ts'
export { decodeNfcBody, encodeNfcBody, type NfcBody } from './core/nfc.ts'
export {
  decodeTagBody,
  decodeTagValueBody,
  encodeTagBody,
  encodeTagValueBody,
  isFullTag,
  type TagBody,
  type TagValueBody,
} from './core/tag.ts'
export { CoreTarget } from './core/targets.ts'
export { decodeTextBody, encodeTextBody } from './core/text.ts'
export { WireDecodeError, type WireDecodeReason, type WireErrorCode } from './errors.ts'
export {
  allocateSecureFrame,
  decodeFrame,
  decodePlaintextFrame,
  encodeSecureFrame,
  encodeSetupFrame,
  type Frame,
  readCounter,
} from './frame.ts'
export { readU64 } from './int.ts'
export { InvalidArgumentError, PavillionError } from './pavillion-error.ts'
export {
  decodeGetConfigArgs,
  decodeSetConfigArgs,
  encodeGetConfigArgs,
  encodeSetConfigArgs,
  type SetConfigArgs,
} from './rpc/config.ts'
export {
  decodeFileDeleteArgs,
  decodeFileListArgs,
  decodeFileListResult,
  decodeFileReadArgs,
  decodeFileWriteArgs,
  encodeFileDeleteArgs,
  encodeFileListArgs,
  encodeFileListResult,
  encodeFileReadArgs,
  encodeFileWriteArgs,
  type FileEntry,
  type FileListArgs,
  type FileReadArgs,
  type FileWriteArgs,
} from './rpc/files.ts'
export {
  type Descriptor,
  decodeDescriptorsResult,
  decodeIdentityResult,
  decodeWhatIsArgs,
  decodeWhatIsResult,
  encodeDescriptorsResult,
  encodeIdentityResult,
  encodeWhatIsArgs,
  encodeWhatIsResult,
  type Identity,
} from './rpc/info.ts'
export {
  decodeAnalogReadResult,
  decodeDigitalReadResult,
  decodePinArgs,
  decodePinModeArgs,
  decodePwmWriteArgs,
  decodeWireTransactionArgs,
  encodeAnalogReadResult,
  encodeDigitalReadResult,
  encodePinArgs,
  encodePinModeArgs,
  encodePwmWriteArgs,
  encodeWireTransactionArgs,
  type PinModeArgs,
  type PwmWriteArgs,
  type WireTransactionArgs,
} from './rpc/io.ts'
export {
  decodePavTimeArgs,
  decodePavTimeResult,
  encodePavTimeArgs,
  encodePavTimeResult,
  type PavTimeArgs,
  type PavTimeResult,
} from './rpc/pav-time.ts'
export { ReservedFunction } from './rpc/reserved.ts'
export {
  decodeEccClientInfoPlaintext,
  type EccClientInfo,
  type EccClientInfoPlaintext,
  encodeEccClientInfoPlaintext,
} from './setup/ecc-client-info.ts'
export {
  decodeEccNoncePlaintext,
  type EccNonce,
  type EccNoncePlaintext,
  encodeEccNoncePlaintext,
} from './setup/ecc-nonce.ts'
export type { NonceRequest } from './setup/nonce-request.ts'
export type { InvalidClientId, NewServerJoin, SessionAccepted, UnrecognizedClient } from './setup/notices.ts'
export {
  type PskClientInfo,
  type PskClientInfoHashed,
  pskClientInfoHashedBytes,
} from './setup/psk-client-info.ts'
export { type PskNonce, pskNonceHashedBytes } from './setup/psk-nonce.ts'
export { decodeSetup, encodeSetup, type SetupMessage } from './setup/setup-message.ts'
export { allocateBytes } from './slab.ts'
export {
  type BatteryState,
  type DeviceStatus,
  decodeStatus,
  encodeStatus,
  type NetworkStatus,
  type StatusBytes,
  type StatusInput,
} from './status.ts'
