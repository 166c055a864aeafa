import { PavillionError } from '../errors.ts'
import type { DeliveryReport } from '../events.ts'
import { SequenceMap } from '../sequence-map.ts'

interface Waiter<P> {
  resolve(report: DeliveryReport<P>): void
  reject(reason: unknown): void
  signal: AbortSignal | undefined
  onAbort: (() => void) | undefined
}

/**
 * Turns delivery reports into settled promises: one waiter per tracked send,
 * rejected with the signal's reason when the caller aborts.
 */
export class Deliveries<P> {
  readonly #waiters = new SequenceMap<number, Waiter<P>>()

  /** Number of sends awaiting their report. */
  get size(): number {
    return this.#waiters.size
  }

  /**
   * Returns the promise of send `id`'s report. `cancel` is called when
   * `signal` aborts; the endpoint then reports `cancelled` and the promise
   * rejects with `signal.reason`.
   */
  wait(id: number, signal: AbortSignal | undefined, cancel: () => void): Promise<DeliveryReport<P>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<P> = { resolve, reject, signal, onAbort: undefined }
      if (signal !== undefined) {
        waiter.onAbort = () => cancel()
        signal.addEventListener('abort', waiter.onAbort, { once: true })
      }
      this.#waiters.set(id, waiter)
    })
  }

  /** Settles the waiter of `report.id`, if any. */
  settle(report: DeliveryReport<P>): void {
    const waiter = this.#waiters.get(report.id)
    if (waiter === undefined) return
    this.#waiters.delete(report.id)
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort)
    if (report.outcome === 'cancelled')
      waiter.reject(waiter.signal?.reason ?? new PavillionError('ERR_ABORTED', 'the send was cancelled'))
    else waiter.resolve(report)
  }
}
