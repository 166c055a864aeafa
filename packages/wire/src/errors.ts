import { PavillionError } from './pavillion-error.ts'

/**
 * Codes of the errors this package raises: `ERR_INVALID_ARGUMENT` when an
 * encoder is given a value it cannot encode ({@link InvalidArgumentError}),
 * `ERR_DECODE` when a decoder is given malformed bytes ({@link WireDecodeError}).
 */
export type WireErrorCode = 'ERR_INVALID_ARGUMENT' | 'ERR_DECODE'

/**
 * Why a decoder rejected its input (`WireDecodeError.reason`).
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
export type WireDecodeReason =
  | 'TRUNCATED'
  | 'TOO_LONG'
  | 'BAD_MAGIC'
  | 'BAD_LENGTH'
  | 'BAD_UTF8'
  | 'MISSING_SEPARATOR'
  | 'UNKNOWN_OPCODE'
  | 'BAD_VALUE'

/**
 * The only error a decoder throws for malformed input (code `ERR_DECODE`).
 * `reason` says what is wrong; `offset` is relative to the bytes passed to the
 * decoder: the start of the offending field, the first excess byte
 * (`TOO_LONG`) or the first mismatching byte (`BAD_MAGIC`).
 * `instanceof` works across duplicate copies of this package (branded).
 */
export class WireDecodeError extends PavillionError<WireErrorCode> {
  /** What is wrong with the input. */
  readonly reason: WireDecodeReason
  /** Byte offset in the decoder's input where the problem was found. */
  readonly offset: number

  static override readonly brand: symbol = Symbol.for('pavillion.error.WireDecodeError')

  constructor(reason: WireDecodeReason, offset: number, message: string) {
    super('ERR_DECODE', `${message} (${reason} at offset ${offset})`)
    this.name = 'WireDecodeError'
    this.reason = reason
    this.offset = offset
  }
}
