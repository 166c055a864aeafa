const TRANSIENT_CODES = new Set(['ENETUNREACH', 'ENODEV', 'EADDRNOTAVAIL'])
const FIRST_DELAY_MS = 250
const MAX_DELAY_MS = 30_000

/**
 * Runs a socket setting that needs its network interface (a group join, the
 * multicast interface). While it fails because the interface is absent
 * (ENETUNREACH, ENODEV, EADDRNOTAVAIL), each failure is reported and the
 * setting retried after 250 ms, then twice as long each time up to 30 s,
 * until it succeeds or `cancel()` is called. The timer does not keep the
 * process alive.
 */
export class OfflineRetry {
  readonly #apply: () => void
  readonly #report: (error: Error) => void
  #timer: ReturnType<typeof setTimeout> | undefined
  #done = false

  /** @throws the first error when it is not one of the transient codes. */
  constructor(apply: () => void, report: (error: Error) => void) {
    this.#apply = apply
    this.#report = report
    this.#attempt(FIRST_DELAY_MS, true)
  }

  /** True once the setting has been applied. */
  get done(): boolean {
    return this.#done
  }

  /** Stops retrying. */
  cancel(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #attempt(delay: number, first: boolean): void {
    this.#timer = undefined
    try {
      this.#apply()
      this.#done = true
    } catch (error) {
      const transient = TRANSIENT_CODES.has((error as NodeJS.ErrnoException).code ?? '')
      if (first && !transient) throw error
      this.#report(error as Error)
      if (!transient) return
      this.#timer = setTimeout(() => this.#attempt(Math.min(delay * 2, MAX_DELAY_MS), false), delay)
      this.#timer.unref()
    }
  }
}
