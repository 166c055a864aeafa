import type { SymmetricKey } from '@pavillion/crypto'

/** Why a handshake step refused a setup message (each is a counter of `EndpointStats`). */
export type RefusalReason = 'stale' | 'forged' | 'malformed' | 'unexpected'

/** A setup message a handshake step will not answer. */
export interface Refusal {
  readonly refused: RefusalReason
}

/** Builds a refusal. */
export function refuse(reason: RefusalReason): Refusal {
  return { refused: reason }
}

/** True for a refusal (as opposed to the step's result). */
export function isRefusal<T extends object>(value: T | Refusal): value is Refusal {
  return 'refused' in value
}

/** The keys and identity a completed handshake gives a server for one client. */
export interface SessionKeys {
  readonly suite: number
  readonly clientId: Uint8Array
  readonly identity: Uint8Array
  readonly guest: boolean
  readonly ckey: SymmetricKey
  readonly skey: SymmetricKey
  readonly sessionId: Uint8Array
  /** The counter the client announced: it sends only counters above it. */
  readonly floor: bigint
}

/** What a client sends back to a server's nonce, and the key of that server's packets. */
export interface ClientReply {
  /** The client-info datagram (opcode 3 or 12). */
  readonly reply: Uint8Array
  /** Key of the server's packets to us. */
  readonly skey: SymmetricKey
  /** PSK: the counter announced in the reply was spent (the next packet uses counter + 2). */
  readonly spendsCounter: boolean
}
