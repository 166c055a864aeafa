import { checkBigInt } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { writeU64 } from '../int.ts'
import { InvalidArgumentError } from '../pavillion-error.ts'
import { Reader } from '../reader.ts'

/**
 * Opcode 12: the sender closes the session (§7.5). The reference sends it empty; the docs give it a
 * 2-byte reason (0). `reason`, when present, is that u16 (little-endian); bytes after it are ignored,
 * and a quit without one decodes without `reason`.
 */
export type Quit = { type: 'quit'; reason?: number }

/** Encodes a quit plaintext: the opcode, then the u16 reason when given. */
export function encodeQuit(msg: Quit): Uint8Array {
  if (msg.reason === undefined) return Uint8Array.of(AppOpcode.Quit)
  const reason = msg.reason
  if (!Number.isInteger(reason) || reason < 0 || reason > 0xffff)
    throw new InvalidArgumentError(`"reason" expected an integer in 0–65535, got ${reason}`)
  return Uint8Array.of(AppOpcode.Quit, reason & 0xff, reason >>> 8)
}

/** Decodes a quit plaintext; never throws (any payload is accepted). */
export function decodeQuit(plaintext: Uint8Array): Quit {
  if (plaintext.length < 3) return { type: 'quit' }
  return { type: 'quit', reason: (plaintext[1] ?? 0) | ((plaintext[2] ?? 0) << 8) }
}

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
