import { PavillionError } from '@pavillion/core'
import type { PublishReport } from './report.ts'

/**
 * Codes of the errors the pub/sub layer raises (besides the engine's
 * timeouts, closes, aborts and backpressure): `ERR_INVALID_ARGUMENT` for API
 * misuse (`InvalidArgumentError`), `ERR_NO_ACKNOWLEDGEMENT` below.
 */
export type PubSubErrorCode = 'ERR_INVALID_ARGUMENT' | 'ERR_NO_ACKNOWLEDGEMENT'

/**
 * A reliable publish that no peer acknowledged before its timeout (or that
 * had nobody to go to). `report` tells who was expected and that nobody
 * answered. Recognise it with `instanceof` (branded, works across package
 * copies) or `err.code === 'ERR_NO_ACKNOWLEDGEMENT'`.
 */
export class NoAcknowledgementError<P = unknown> extends PavillionError<PubSubErrorCode> {
  /** The delivery report: `acked` is empty, `missing` lists the expected peers. */
  readonly report: PublishReport<P>

  static override readonly brand: symbol = Symbol.for('pavillion.error.NoAcknowledgementError')

  constructor(message: string, report: PublishReport<P>) {
    super('ERR_NO_ACKNOWLEDGEMENT', message)
    this.name = 'NoAcknowledgementError'
    this.report = report
  }
}
