import { PavillionError } from '../errors.ts'
import type { DeliveryReport } from '../events.ts'

/**
 * The promise of one tracked send's report. It travels with the send through
 * the engine (the send's token) and comes back with its delivery event, so a
 * send is recorded once, in the engine's tracker. A cancelled send rejects
 * with its signal's reason.
 */
export class DeliveryWaiter<P> {
  /** Resolves with the report, whatever its outcome; rejects when the send was cancelled. */
  readonly done: Promise<DeliveryReport<P>>
  #resolve!: (report: DeliveryReport<P>) => void
  #reject!: (reason: unknown) => void
  #signal: AbortSignal | undefined
  #onAbort: (() => void) | undefined

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
  }

  /** Calls `cancel` when `signal` aborts (the engine then reports `cancelled`). */
  watch(signal: AbortSignal, cancel: () => void): void {
    this.#signal = signal
    this.#onAbort = cancel
    signal.addEventListener('abort', cancel, { once: true })
  }

  /** Settles with the engine's report. */
  settle(report: DeliveryReport<P>): void {
    const signal = this.#signal
    if (this.#onAbort !== undefined) signal?.removeEventListener('abort', this.#onAbort)
    if (report.outcome === 'cancelled')
      this.#reject(
        signal?.aborted ? signal.reason : new PavillionError('ERR_ABORTED', 'the send was cancelled'),
      )
    else this.#resolve(report)
  }
}
