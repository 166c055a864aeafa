import { PavillionError } from 'pavillion'

/** Why a capture file could not be read. */
export type CaptureErrorReason =
  /** Neither a pcap nor a pcapng file (its first bytes are no known magic). */
  | 'NOT_A_CAPTURE'
  /** The file ends inside a header or a record: it was cut short (a capture still being written, a partial copy). */
  | 'TRUNCATED'
  /** A header or block contradicts itself: a length that cannot be, a trailer that does not match. */
  | 'MALFORMED'
  /** A well-formed capture in a variant this reader does not handle (e.g. pcapng version 2). */
  | 'UNSUPPORTED'

/**
 * A capture file that cannot be read (code `ERR_INVALID_ARGUMENT`): `reason`
 * says how, `offset` is the byte of the file where reading stopped. Packets
 * before that offset were read and are still valid.
 */
export class CaptureError extends PavillionError {
  /** How the file is wrong. */
  readonly reason: CaptureErrorReason
  /** The byte offset in the file where the problem is. */
  readonly offset: number

  static override readonly brand: symbol = Symbol.for('pavillion.error.CaptureError')

  constructor(reason: CaptureErrorReason, offset: number, message: string) {
    super('ERR_INVALID_ARGUMENT', message)
    this.name = 'CaptureError'
    this.reason = reason
    this.offset = offset
  }
}
