import { PavillionError } from '@pavillion/core'

/**
 * Why a server refused a register request, as it travels in its status text
 * (README, "Status reports"). `unknown-register`: nothing declared under that
 * number; `read-only`: no writer; `bad-value`: wrong size or type for the
 * datatype; `bad-range`: offset/length past the value, or a partial write;
 * `bad-observe`: a duration below the server's minimum; `busy`: the observer
 * bounds are reached; `failed`: the writer threw.
 */
export type RegisterRefusal =
  | 'unknown-register'
  | 'read-only'
  | 'bad-value'
  | 'bad-range'
  | 'bad-observe'
  | 'busy'
  | 'failed'

/** Every refusal, in wire spelling. */
export const REGISTER_REFUSALS: readonly RegisterRefusal[] = [
  'unknown-register',
  'read-only',
  'bad-value',
  'bad-range',
  'bad-observe',
  'busy',
  'failed',
]

/**
 * The error codes this package raises: `ERR_INVALID_ARGUMENT` for API misuse
 * (`InvalidArgumentError`), the refusals and malformed answers below, and
 * core's `ERR_TIMEOUT`, `ERR_CLOSED` and `ERR_ABORTED`.
 */
export type RegisterErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_REGISTER_REFUSED'
  | 'ERR_REGISTER_MALFORMED'
  | 'ERR_TIMEOUT'
  | 'ERR_CLOSED'
  | 'ERR_ABORTED'

/**
 * A server refused a read, write or observe: `reason` says why, `text` is the
 * server's message, `register` the register number and `server` who answered.
 * Recognise it with `instanceof` (branded) or `err.code === 'ERR_REGISTER_REFUSED'`.
 */
export class RegisterRefusedError<P = unknown> extends PavillionError<RegisterErrorCode> {
  /** The refusal in wire spelling. */
  readonly reason: RegisterRefusal
  /** The register that was asked for. */
  readonly register: number
  /** The server's explanation (never a stack). */
  readonly text: string
  /** The server that refused. */
  readonly server: P

  static override readonly brand: symbol = Symbol.for('pavillion.error.RegisterRefusedError')

  constructor(register: number, reason: RegisterRefusal, text: string, server: P) {
    super('ERR_REGISTER_REFUSED', `register ${register}: ${reason}${text === '' ? '' : `: ${text}`}`)
    this.name = 'RegisterRefusedError'
    this.reason = reason
    this.register = register
    this.text = text
    this.server = server
  }
}

/**
 * A server answered with bytes this client cannot decode as the register's
 * datatype (or a description it cannot parse): the server is not following
 * this package's rules. `err.code === 'ERR_REGISTER_MALFORMED'`.
 */
export class RegisterMalformedError extends PavillionError<RegisterErrorCode> {
  /** The register concerned. */
  readonly register: number

  static override readonly brand: symbol = Symbol.for('pavillion.error.RegisterMalformedError')

  constructor(register: number, message: string, options?: ErrorOptions) {
    super('ERR_REGISTER_MALFORMED', `register ${register}: ${message}`, options)
    this.name = 'RegisterMalformedError'
    this.register = register
  }
}

/**
 * What a writer throws to refuse a value with a chosen refusal (`bad-value`
 * by default) and message; any other exception is reported as `failed` with
 * its message. Code `ERR_REGISTER_REFUSED`, like the `RegisterRefusedError`
 * the client receives.
 *
 * @example
 * ```ts
 * writer: (v) => { if (v > 100) throw new RegisterWriteError('dimmer takes 0–100') }
 * ```
 */
export class RegisterWriteError extends PavillionError<RegisterErrorCode> {
  /** The refusal the client receives. */
  readonly reason: RegisterRefusal

  static override readonly brand: symbol = Symbol.for('pavillion.error.RegisterWriteError')

  constructor(message: string, reason: RegisterRefusal = 'bad-value') {
    super('ERR_REGISTER_REFUSED', message)
    this.name = 'RegisterWriteError'
    this.reason = reason
  }
}
