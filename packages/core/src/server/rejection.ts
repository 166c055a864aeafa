import type { HandshakeRejectedEvent } from '../events.ts'
import type { PeerAddress } from '../transport.ts'

/** The `handshake:rejected` event for a datagram from `address` that claimed `clientId`. */
export function rejection(
  address: PeerAddress,
  clientId: Uint8Array,
  reason: HandshakeRejectedEvent['reason'],
): HandshakeRejectedEvent {
  return { type: 'handshake:rejected', address, clientId: Uint8Array.from(clientId), reason }
}
