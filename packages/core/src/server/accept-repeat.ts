import { encodeSetup, type SetupMessage } from '@pavillion/wire'

/** Opcode 7 repeats one accepted client info can draw (it is unauthenticated when it comes again). */
const MAX_ACCEPT_REPEATS = 8

/**
 * The client info a session was established from, so that the same datagram
 * arriving again (our opcode 7 was lost, the client re-sent its client info)
 * is answered with opcode 7 again instead of being dropped as stale — a lost
 * reply then costs the client two datagrams, not the four of a new handshake.
 * Bounded: a replayed client info draws at most `MAX_ACCEPT_REPEATS` answers,
 * each the 37 bytes of opcode 7 to the address the session already has.
 * The datagram is kept as a string of its byte values: a server holds
 * thousands of these, and a small typed array costs several times its length.
 */
export class AcceptRepeat {
  readonly #bytes: string
  #repeats = 0

  /** Remembers `message` (a client info that established or re-keyed a session). */
  constructor(message: SetupMessage) {
    this.#bytes = latin1(encodeSetup(message))
  }

  /** True when `message` is the same client info again and its repeat budget is not spent (then spends one). */
  repeat(message: SetupMessage): boolean {
    if (message.type !== 'psk-client-info' && message.type !== 'ecc-client-info') return false
    if (this.#repeats >= MAX_ACCEPT_REPEATS || latin1(encodeSetup(message)) !== this.#bytes) return false
    this.#repeats++
    return true
  }
}

/** One character per byte. */
function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes)
}
