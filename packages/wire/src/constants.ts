const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))

/** `PavillionS0`, the 11-byte magic every datagram starts with (§3.1). Treat as read-only. */
export const SECURE_MAGIC: Uint8Array = ascii('PavillionS0')
/** `Pavillion0`, the 10-byte magic of the non-functional plaintext framing (§3.2). Treat as read-only. */
export const PLAINTEXT_MAGIC: Uint8Array = ascii('Pavillion0')
/** Magic (11) plus the u64 counter (8): where the setup opcode or the secure box starts. */
export const HEADER_SIZE = 19
/** Size of the Poly1305 tag at the start of every secure box. */
export const MAC_SIZE = 16
/** Header plus tag: a secure datagram is this long plus the plaintext (opcode ‖ payload). */
export const SECURE_OVERHEAD = HEADER_SIZE + MAC_SIZE
/** The shortest valid secure datagram: overhead plus the 1-byte opcode. */
export const MIN_SECURE_DATAGRAM = SECURE_OVERHEAD + 1
/** The receive buffer of the reference (§2.1); longer datagrams are rejected with `TOO_LONG`. */
export const MAX_DATAGRAM_SIZE = 4096
/** The largest plaintext (opcode ‖ payload) that still fits a {@link MAX_DATAGRAM_SIZE} datagram. */
export const MAX_PLAINTEXT_SIZE = MAX_DATAGRAM_SIZE - SECURE_OVERHEAD
/** The size datagrams should stay within to avoid IP fragmentation (§2.1). */
export const RECOMMENDED_MAX_DATAGRAM = 1472

/** Setup opcodes, carried in clear after a zero counter (§5). */
export const SetupOpcode = {
  NonceRequest: 1,
  PskNonce: 2,
  PskClientInfo: 3,
  UnrecognizedClient: 4,
  NewServerJoin: 5,
  InvalidClientId: 6,
  SessionAccepted: 7,
  EccNonce: 11,
  EccClientInfo: 12,
} as const
/** One of the {@link SetupOpcode} values. */
export type SetupOpcode = (typeof SetupOpcode)[keyof typeof SetupOpcode]

/** Application opcodes, the first plaintext byte of a secure message (§7). */
export const AppOpcode = {
  Reliable: 1,
  Ack: 2,
  Unreliable: 3,
  RpcCall: 4,
  RpcResponse: 5,
  RegisterRead: 6,
  RegisterDeclaration: 7,
  Observe: 8,
  RegisterInfoRequest: 9,
  RegisterInfo: 10,
  Quit: 12,
  Subscribe: 13,
  Unsubscribe: 14,
  ClientAccept: 16,
  BinaryDataUpdate: 18,
  TimeSyncRequest: 20,
  TimeSyncResponse: 21,
} as const
/** One of the {@link AppOpcode} values. */
export type AppOpcode = (typeof AppOpcode)[keyof typeof AppOpcode]

/** Cipher-suite numbers of nonce requests and client infos (§4.4). */
export const CipherSuiteId = { Psk: 1, Ecc: 2 } as const
/** One of the {@link CipherSuiteId} values. */
export type CipherSuiteId = (typeof CipherSuiteId)[keyof typeof CipherSuiteId]

/**
 * RPC response status codes (§7.4). 0 is success; the reference server answers
 * every failure with 257 (`01 01`) and a Python traceback.
 */
export const RpcStatus = {
  Ok: 0,
  Error: 1,
  NonexistentFunction: 2,
  BadInput: 3,
  NonexistentFile: 4,
  I2cAddressNack: 5,
  I2cDataWriteNack: 6,
  I2cDataReadNack: 7,
  ReferenceFailure: 257,
} as const
/** One of the {@link RpcStatus} values. */
export type RpcStatus = (typeof RpcStatus)[keyof typeof RpcStatus]

const statusNames = new Map<number, string>(Object.entries(RpcStatus).map(([name, code]) => [code, name]))

/** The {@link RpcStatus} key of a status code (`'NonexistentFunction'`), or `'Unknown(<n>)'`. */
export function rpcStatusName(status: number): string {
  return statusNames.get(status) ?? `Unknown(${status})`
}
