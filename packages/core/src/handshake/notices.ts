import { encodeSetup } from '@pavillion/wire'

/** Opcode 5: a server announces that it (re)started (PROTOCOL.md §2.6). */
export const ANNOUNCEMENT = encodeSetup({ type: 'new-server-join' })

/** Opcode 4: the server has no session for this address (PROTOCOL.md §8.5). */
export const UNRECOGNIZED = encodeSetup({ type: 'unrecognized-client' })

/** Opcode 6: the server knows no such client ID; echoes the request's challenge (PROTOCOL.md §5.1). */
export function invalidClientId(challenge: Uint8Array): Uint8Array {
  return encodeSetup({ type: 'invalid-client-id', challenge })
}

/** Opcode 7: the server accepted the client info; echoes the session ID only that client can know. */
export function sessionAccepted(sessionId: Uint8Array): Uint8Array {
  return encodeSetup({ type: 'session-accepted', sessionId })
}
