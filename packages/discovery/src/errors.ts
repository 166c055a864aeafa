import { PavillionError } from '@pavillion/core'

/**
 * Codes of discovery's errors: `ERR_INVALID_ARGUMENT` for a bad option
 * (`InvalidArgumentError`); nothing matched in time, or nothing that matched
 * passed the handshake (`DiscoveryError`); an advertiser found every name it
 * tried taken (its `error` event).
 */
export type DiscoveryErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_DISCOVERY_NOT_FOUND'
  | 'ERR_DISCOVERY_UNVERIFIED'
  | 'ERR_DISCOVERY_NAME_TAKEN'

/** Why discovery could not give a usable server. */
export type DiscoveryFailure =
  /** No record matched within the time allowed. */
  | 'not-found'
  /** Records matched, but every server they pointed at answered and failed the handshake (wrong key). */
  | 'refused'
  /** Records matched, but no server they pointed at answered. */
  | 'no-answer'

/** One place a record pointed at, and what happened there. */
export interface DiscoveryAttempt {
  readonly address: string
  readonly port: number
  readonly outcome: 'refused' | 'no-answer'
}

/**
 * Discovery found no server that passed the handshake. A record only says
 * where to try; `refused` means a server answered there but could not prove
 * the expected key (a forged or stale record), `no-answer` that nothing did.
 * Its `code` is `ERR_DISCOVERY_NOT_FOUND` for `not-found`, else `ERR_DISCOVERY_UNVERIFIED`.
 */
export class DiscoveryError extends PavillionError<DiscoveryErrorCode> {
  /** What went wrong. */
  readonly reason: DiscoveryFailure
  /** Every address tried, in order. */
  readonly attempts: readonly DiscoveryAttempt[]

  static override readonly brand: symbol = Symbol.for('pavillion.error.DiscoveryError')

  constructor(reason: DiscoveryFailure, message: string, attempts: readonly DiscoveryAttempt[] = []) {
    super(reason === 'not-found' ? 'ERR_DISCOVERY_NOT_FOUND' : 'ERR_DISCOVERY_UNVERIFIED', message)
    this.name = 'DiscoveryError'
    this.reason = reason
    this.attempts = attempts
  }
}
