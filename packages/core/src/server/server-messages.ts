import { AppOpcode, encodeApp } from '@pavillion/wire'
import { QUIT_EVICTED } from '../constants.ts'
import type { TrackRequest } from '../endpoint-base.ts'
import type { ClientInfo } from '../events.ts'

// What a server endpoint sends and decodes on its own: its send request and
// result, and the few fixed messages of the engine.

/** What a server asks its endpoint to send. */
export interface ServerSendRequest {
  /** Opcode ‖ payload, as `encodeApp` makes it. */
  readonly plaintext: Uint8Array
  /** Keys of the sessions to send to; default: every live session. */
  readonly to?: readonly string[]
  /** Track acknowledgements and retransmit the same bytes until `expect` is met or `deadline` passes. */
  readonly track?: TrackRequest
}

/** What a server send did. */
export interface ServerSendResult {
  /** The tracking ticket, when tracked and sent to at least one client. */
  readonly id: number | undefined
  /** The clients it went to. */
  readonly recipients: readonly ClientInfo[]
}

/** Quit (opcode 3), sent to every session on close. */
export const QUIT = encodeApp({ type: 'quit' })
/** Quit with reason 1: the client's session was evicted to make room. */
export const QUIT_BECAUSE_EVICTED = encodeApp({ type: 'quit', reason: QUIT_EVICTED })
/** The application opcodes a server decodes itself: the reliable envelope, acks, quit, time sync requests. */
export const SERVER_OPCODES = [AppOpcode.Reliable, AppOpcode.Ack, AppOpcode.Quit, AppOpcode.TimeSyncRequest]
