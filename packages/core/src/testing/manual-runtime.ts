import type { Runtime } from '../runtime/runtime.ts'

interface ScheduledTimer {
  readonly at: number
  readonly seq: number
  readonly callback: () => void
}

/**
 * A `Runtime` whose clock moves only when a test says so: `advance(ms)` runs
 * every timer that falls due, in order, each at its own time. Deterministic;
 * no real timers.
 */
export class ManualRuntime implements Runtime {
  #now: number
  #seq = 0
  readonly #timers = new Set<ScheduledTimer>()
  readonly #wallClockOffset: number

  /**
   * @param start the initial monotonic time, ms
   * @param wallClockOffset Unix ms minus monotonic ms (a fixed, plausible default)
   */
  constructor(start = 0, wallClockOffset = 1_700_000_000_000) {
    this.#now = start
    this.#wallClockOffset = wallClockOffset
  }

  now(): number {
    return this.#now
  }

  wallClockOffset(): number {
    return this.#wallClockOffset
  }

  setTimer(at: number, callback: () => void): () => void {
    const timer = { at, seq: this.#seq++, callback }
    this.#timers.add(timer)
    return () => this.#timers.delete(timer)
  }

  /** Number of armed timers. */
  get pendingTimers(): number {
    return this.#timers.size
  }

  /** The earliest armed timer's time, or undefined. */
  nextTimer(): number | undefined {
    return this.#earliest()?.at
  }

  /** Moves the clock forward by `ms`, running every timer due on the way at its own time. */
  advance(ms: number): void {
    const end = this.#now + ms
    for (let timer = this.#earliest(); timer !== undefined && timer.at <= end; timer = this.#earliest()) {
      this.#timers.delete(timer)
      this.#now = Math.max(this.#now, timer.at)
      timer.callback()
    }
    this.#now = end
  }

  #earliest(): ScheduledTimer | undefined {
    let best: ScheduledTimer | undefined
    for (const timer of this.#timers) {
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq))
        best = timer
    }
    return best
  }
}
