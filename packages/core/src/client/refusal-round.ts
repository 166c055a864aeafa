import type { PeerAddress } from '../transport.ts'

/** Nonce requests in a row that must all be refused before the client reports an authentication failure. */
export const REFUSED_ATTEMPTS = 3

/** What refused a nonce request: a nonce answer that does not verify under our key, opcode 6, or no acceptance. */
export type RefusalReason = 'forged-answer' | 'invalid-client-id' | 'not-accepted'

/** A refusal to report: who, and why. */
export interface Refusal {
  readonly address: PeerAddress
  readonly reason: RefusalReason
}

/**
 * Decides when refusals mean "this server does not accept our key". Every
 * refusal is unauthenticated — opcode 6 and a nonce answer that does not
 * verify can come from anyone who can send us a datagram — so one proves
 * nothing: the client reports a failure only when {@link REFUSED_ATTEMPTS}
 * nonce requests in a row ended refused, none of them answered by a server
 * that knows our key. An attempt ends refused when, before its retry, it got
 * a refusal and no genuine answer, or a server keyed it and never accepted
 * us; after an opcode 6 that echoed our challenge, silence refuses too (a
 * server that refused a client ID stays quiet to it, PROTOCOL.md §8.6) until
 * the round is reported or a genuine answer comes.
 */
export class RefusalRound {
  #inRow = 0
  #refusal: Refusal | undefined
  #answered = false
  #notAccepted: Refusal | undefined
  #quiet: Refusal | undefined

  /** The current attempt was refused (`not-accepted` counts even when a genuine answer came). */
  refused(address: PeerAddress, reason: RefusalReason): void {
    const refusal = { address, reason }
    if (reason === 'not-accepted') this.#notAccepted ??= refusal
    else this.#refusal ??= refusal
    if (reason === 'invalid-client-id') this.#quiet = refusal
  }

  /** A nonce answer verified under our key: the current attempt was not refused. */
  answered(): void {
    this.#answered = true
    this.#quiet = undefined
  }

  /** The current attempt ended (its retry is due): the refusal to report, when it completed a round. */
  ended(): Refusal | undefined {
    const refusal = this.#notAccepted ?? (this.#answered ? undefined : (this.#refusal ?? this.#quiet))
    this.#refusal = undefined
    this.#notAccepted = undefined
    this.#answered = false
    if (refusal === undefined) {
      this.#inRow = 0
      return undefined
    }
    if (++this.#inRow < REFUSED_ATTEMPTS) return undefined
    this.reset()
    return refusal
  }

  /** A server connected, or a round was reported: start counting again. */
  reset(): void {
    this.#inRow = 0
    this.#refusal = undefined
    this.#notAccepted = undefined
    this.#answered = false
    this.#quiet = undefined
  }
}
