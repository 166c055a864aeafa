/**
 * Base class of every error Pavillion raises on purpose, in every package.
 * It lives here, in the lowest layer, so that wire and crypto raise it too;
 * `@pavillion/core` and `pavillion` re-export this same class. `C` is the
 * code union of the package that raises it (e.g. `WireErrorCode`,
 * `PavillionErrorCode`, `RpcErrorCode`). Recognise it with `err.code`, or with
 * `instanceof`, which also holds across duplicate copies of the packages.
 */
export class PavillionError<C extends string = string> extends Error {
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

/**
 * API misuse: an argument of the wrong type, length or range (code
 * `ERR_INVALID_ARGUMENT`, a member of every package's code union). Thrown
 * synchronously by the call that was given it; the message names the
 * argument and what was expected, never a secret.
 *
 * @example
 * ```ts
 * try { encodeApp({ type: 'rpc-call', fn: -1, args: new Uint8Array() }) }
 * catch (e) { if (e instanceof InvalidArgumentError) console.error(e.message) }
 * ```
 */
export class InvalidArgumentError extends PavillionError<'ERR_INVALID_ARGUMENT'> {
  static override readonly brand: symbol = Symbol.for('pavillion.error.InvalidArgumentError')

  constructor(message: string, options?: ErrorOptions) {
    super('ERR_INVALID_ARGUMENT', message, options)
    this.name = 'InvalidArgumentError'
  }
}
