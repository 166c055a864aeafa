import { checkBigInt } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { writeU64 } from '../int.ts'
import { Reader } from '../reader.ts'

/** Opcode 12: the sender closes the session (§7.5). Encoded empty; any payload (docs: a 2-byte reason) is ignored. */
export type Quit = { type: 'quit' }

/**
 * Opcode 16: sent by embedded servers after a handshake, with the server's
 * monotonic clock in µs (§7.8). Reference servers never send it.
 */
export type ClientAccept = { type: 'client-accept'; serverMonotonicUs: bigint }

/** Encodes a client-accept plaintext: opcode ‖ u64 µs. */
export function encodeClientAccept(msg: ClientAccept): Uint8Array {
  const out = new Uint8Array(9)
  out[0] = AppOpcode.ClientAccept
  writeU64(out, 1, checkBigInt('serverMonotonicUs', msg.serverMonotonicUs))
  return out
}

/** Decodes a client-accept plaintext (exactly 8 payload bytes). */
export function decodeClientAccept(plaintext: Uint8Array): ClientAccept {
  const r = new Reader(plaintext, 1)
  const msg: ClientAccept = { type: 'client-accept', serverMonotonicUs: r.u64('serverMonotonicUs') }
  r.end('client accept')
  return msg
}
