import type { TransportErrorHandler } from '@pavillion/core'

/** Errors kept while no handler is set (older ones are dropped). */
const EARLY_LIMIT = 16

/**
 * Routes non-fatal errors to the `onError` handler. Errors raised before a
 * handler is set (a group join failing at start-up) are kept and passed on
 * when it is; after `close()` nothing is passed on.
 */
export class ErrorSink {
  #handler: TransportErrorHandler | undefined
  #early: Error[] = []
  #closed = false

  /** Reports one error; bound, so it can be passed as a listener. */
  readonly report = (error: Error): void => {
    if (this.#closed) return
    if (this.#handler !== undefined) this.#handler(error)
    else if (this.#early.push(error) > EARLY_LIMIT) this.#early.shift()
  }

  setHandler(handler: TransportErrorHandler): void {
    this.#handler = handler
    const early = this.#early
    this.#early = []
    for (const error of early) this.report(error)
  }

  close(): void {
    this.#closed = true
    this.#early = []
  }
}
