import { PavillionError } from '@pavillion/wire'

// The one base class of every package's errors, and the one for bad
// arguments, are @pavillion/wire's: re-exported here as the same objects, so
// `instanceof` holds whichever package a user imports them from.
export { InvalidArgumentError, PavillionError } from '@pavillion/wire'

/**
 * Error codes of the engine's errors, in Node/undici style. Each layer has
 * its own union (e.g. `RpcErrorCode`, `PubSubErrorCode`) for the codes it raises.
 * `ERR_ADDRESS_IN_USE` is raised only by the in-memory network of `./testing`.
 */
export type PavillionErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_ABORTED'
  | 'ERR_TIMEOUT'
  | 'ERR_CLOSED'
  | 'ERR_BACKPRESSURE'
  | 'ERR_COUNTER_EXHAUSTED'
  | 'ERR_TRANSPORT_CLOSED'
  | 'ERR_ADDRESS_IN_USE'
  | 'ERR_SESSION_EVICTED'
  | 'ERR_SESSION_REPLACED'

/** A reliable send or call gave up: its deadline passed before enough peers acknowledged. */
export class TimeoutError extends PavillionError<PavillionErrorCode> {
  /** How long the operation waited, in ms. */
  readonly waited: number
  /** How many times the packet was transmitted. */
  readonly attempts: number

  static override readonly brand: symbol = Symbol.for('pavillion.error.TimeoutError')

  constructor(message: string, waited: number, attempts: number) {
    super('ERR_TIMEOUT', message)
    this.name = 'TimeoutError'
    this.waited = waited
    this.attempts = attempts
  }
}

/** The endpoint was closed while the operation was pending, or used after close. */
export class ClosedError extends PavillionError<PavillionErrorCode> {
  static override readonly brand: symbol = Symbol.for('pavillion.error.ClosedError')

  constructor(message = 'the endpoint is closed') {
    super('ERR_CLOSED', message)
    this.name = 'ClosedError'
  }
}

/** A bounded queue is full; the caller should slow down and retry. */
export class BackpressureError extends PavillionError<PavillionErrorCode> {
  static override readonly brand: symbol = Symbol.for('pavillion.error.BackpressureError')

  constructor(message: string) {
    super('ERR_BACKPRESSURE', message)
    this.name = 'BackpressureError'
  }
}

/** Why a session ended under an operation in flight, so that it failed at once (see `SessionEndedError`). */
export type SessionEndReason = 'evicted' | 'replaced'

/**
 * A call or reliable send failed at once because the session it was sealed
 * for ended: `evicted` (the server made room for another client) or
 * `replaced` (another client, or a new instance of the same one, took the
 * address's session). Like a timeout, it may or may not have been received.
 */
export class SessionEndedError extends PavillionError<PavillionErrorCode> {
  /** What ended the session. */
  readonly reason: SessionEndReason

  static override readonly brand: symbol = Symbol.for('pavillion.error.SessionEndedError')

  constructor(reason: SessionEndReason, message: string) {
    super(reason === 'evicted' ? 'ERR_SESSION_EVICTED' : 'ERR_SESSION_REPLACED', message)
    this.name = 'SessionEndedError'
    this.reason = reason
  }
}
