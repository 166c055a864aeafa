/**
 * Error codes of the engine's errors, in Node/undici style. Each layer has
 * its own union (e.g. `RpcErrorCode`, `PubSubErrorCode`) for the codes it raises.
 */
export type PavillionErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_ABORTED'
  | 'ERR_TIMEOUT'
  | 'ERR_CLOSED'
  | 'ERR_BACKPRESSURE'
  | 'ERR_COUNTER_EXHAUSTED'
  | 'ERR_TRANSPORT_CLOSED'
  | 'ERR_SESSION_EVICTED'
  | 'ERR_SESSION_REPLACED'

/**
 * Base class of every error Pavillion raises on purpose. Recognise it across
 * package copies with `err instanceof PavillionError` (branded) or `err.code`.
 * `C` is the code union of the package that raises it.
 */
export class PavillionError<C extends string = PavillionErrorCode> extends Error {
  /** Machine-readable reason. */
  readonly code: C

  constructor(code: C, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.name = 'PavillionError'
    // Brand the instance with every class of its chain, so `instanceof` works
    // across duplicate copies of this package (Symbol.for is process-wide).
    for (let c: unknown = new.target; typeof c === 'function' && 'brand' in c; c = Object.getPrototypeOf(c)) {
      Object.defineProperty(this, c.brand as symbol, { value: true })
    }
  }

  /** The process-wide symbol that marks instances of this class. */
  static readonly brand: symbol = Symbol.for('pavillion.error.PavillionError')

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is deliberate: each subclass checks its own brand.
    // biome-ignore lint/complexity/noThisInStatic: the brand of the class `instanceof` was called on
    return typeof value === 'object' && value !== null && this.brand in value
  }
}

/** A reliable send or call gave up: its deadline passed before enough peers acknowledged. */
export class TimeoutError extends PavillionError {
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
export class ClosedError extends PavillionError {
  static override readonly brand: symbol = Symbol.for('pavillion.error.ClosedError')

  constructor(message = 'the endpoint is closed') {
    super('ERR_CLOSED', message)
    this.name = 'ClosedError'
  }
}

/** A bounded queue is full; the caller should slow down and retry. */
export class BackpressureError extends PavillionError {
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
export class SessionEndedError extends PavillionError {
  /** What ended the session. */
  readonly reason: SessionEndReason

  static override readonly brand: symbol = Symbol.for('pavillion.error.SessionEndedError')

  constructor(reason: SessionEndReason, message: string) {
    super(reason === 'evicted' ? 'ERR_SESSION_EVICTED' : 'ERR_SESSION_REPLACED', message)
    this.name = 'SessionEndedError'
    this.reason = reason
  }
}
