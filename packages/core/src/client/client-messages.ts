import { AppOpcode, encodeApp } from '@pavillion/wire'

// The few fixed messages a client endpoint sends, and the opcodes it decodes itself.

/** An empty reliable message: the keepalive (PROTOCOL.md §9.3). */
export const KEEPALIVE = encodeApp({ type: 'reliable', target: '', name: '', body: new Uint8Array(0) })
/** Quit (opcode 3), sent on close. */
export const QUIT = encodeApp({ type: 'quit' })
/** Time sync request (opcode 20). */
export const TIME_SYNC_REQUEST = encodeApp({ type: 'time-sync-request' })
/** The application opcodes a client decodes itself: the reliable envelope, acks, quit, client accept, time sync. */
export const CLIENT_OPCODES = [
  AppOpcode.Reliable,
  AppOpcode.Ack,
  AppOpcode.Quit,
  AppOpcode.ClientAccept,
  AppOpcode.TimeSyncRequest,
  AppOpcode.TimeSyncResponse,
]
