import type { Reader } from '../reader.ts'
import { putBytes } from '../write.ts'

// The four short server → client setup notices (§5.5–§5.8). They are
// unauthenticated: anyone can send them, so only harmless reactions are safe.

/** Setup opcode 4, no data: the server has no session for the sender of an encrypted packet (§5.5). */
export type UnrecognizedClient = { type: 'unrecognized-client' }

/** Setup opcode 5, no data: a server announces its start-up (§5.6). */
export type NewServerJoin = { type: 'new-server-join' }

/** Setup opcode 6: the server does not know the client ID; echoes the request's challenge (§5.7). */
export type InvalidClientId = { type: 'invalid-client-id'; challenge: Uint8Array }

/** Setup opcode 7: the handshake succeeded; carries the session ID (§5.8). Optional: never require it. */
export type SessionAccepted = { type: 'session-accepted'; sessionId: Uint8Array }

/** Writes an invalid-client-ID notice's 16 data bytes at `offset`. */
export function writeInvalidClientId(out: Uint8Array, offset: number, msg: InvalidClientId): void {
  putBytes(out, offset, 'challenge', msg.challenge, 16)
}

/** Reads an invalid-client-ID notice's data. */
export function readInvalidClientId(r: Reader): InvalidClientId {
  return { type: 'invalid-client-id', challenge: r.bytes(16, 'challenge') }
}

/** Writes a session-accepted notice's 16 data bytes at `offset`. */
export function writeSessionAccepted(out: Uint8Array, offset: number, msg: SessionAccepted): void {
  putBytes(out, offset, 'sessionId', msg.sessionId, 16)
}

/** Reads a session-accepted notice's data. */
export function readSessionAccepted(r: Reader): SessionAccepted {
  return { type: 'session-accepted', sessionId: r.bytes(16, 'sessionId') }
}
