/**
 * Why a decoder rejected its input.
 *
 * - `TRUNCATED`: the input ends inside a required field.
 * - `TOO_LONG`: bytes follow a fixed-size layout, or the input exceeds the size limit.
 * - `BAD_MAGIC`: the datagram does not start with the expected magic.
 * - `BAD_LENGTH`: a length is not one the layout allows (e.g. a secure box shorter than 17 bytes).
 * - `BAD_UTF8`: a text field is not well-formed UTF-8.
 * - `MISSING_SEPARATOR`: a text field lacks its `\n` or NUL terminator.
 * - `UNKNOWN_OPCODE`: a setup opcode this protocol does not define.
 * - `BAD_VALUE`: a field holds a value its layout forbids.
 */
export type WireDecodeErrorCode =
  | 'TRUNCATED'
  | 'TOO_LONG'
  | 'BAD_MAGIC'
  | 'BAD_LENGTH'
  | 'BAD_UTF8'
  | 'MISSING_SEPARATOR'
  | 'UNKNOWN_OPCODE'
  | 'BAD_VALUE'

/**
 * The only error a decoder throws for malformed input. `offset` is relative to
 * the bytes passed to the decoder: the start of the offending field, the first
 * excess byte (`TOO_LONG`) or the first mismatching byte (`BAD_MAGIC`).
 * `instanceof` works across duplicate copies of this package (branded).
 */
export class WireDecodeError extends Error {
  /** Machine-readable reason. */
  readonly code: WireDecodeErrorCode
  /** Byte offset in the decoder's input where the problem was found. */
  readonly offset: number

  /** The process-wide symbol that marks instances of this class. */
  static readonly brand: symbol = Symbol.for('pavillion.error.WireDecodeError')

  constructor(code: WireDecodeErrorCode, offset: number, message: string) {
    super(`${message} (${code} at offset ${offset})`)
    this.name = 'WireDecodeError'
    this.code = code
    this.offset = offset
    Object.defineProperty(this, WireDecodeError.brand, { value: true })
  }

  /** True for instances of any copy of this class (checks the brand, not the prototype chain). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && WireDecodeError.brand in value
  }
}
