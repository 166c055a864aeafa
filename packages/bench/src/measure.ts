/** One measured figure. */
export interface Rate {
  /** Completed operations per second. */
  readonly perSecond: number
  /** Operations completed. */
  readonly operations: number
  /** Wall time measured, ms. */
  readonly elapsedMs: number
}

/** Time budget of one measurement. */
export interface Budget {
  /** Warm-up before measuring, ms. */
  readonly warmupMs: number
  /** Measuring time, ms. */
  readonly durationMs: number
}

/**
 * Runs `operation` back to back (one at a time) for the budget and reports the rate.
 * Bounded in time; an operation that never settles is the caller's bug (each has its own timeout).
 */
export async function sequential(operation: () => Promise<unknown>, budget: Budget): Promise<Rate> {
  return windowed(operation, 1, budget)
}

/** Keeps `window` operations in flight for the budget and reports the completion rate. */
export async function windowed(
  operation: () => Promise<unknown>,
  window: number,
  budget: Budget,
): Promise<Rate> {
  const run = async (ms: number): Promise<Rate> => {
    const start = performance.now()
    const end = start + ms
    let operations = 0
    const lane = async () => {
      while (performance.now() < end) {
        await operation()
        operations++
      }
    }
    await Promise.all(Array.from({ length: window }, lane))
    const elapsedMs = performance.now() - start
    return { perSecond: (operations * 1000) / elapsedMs, operations, elapsedMs }
  }
  await run(budget.warmupMs)
  return run(budget.durationMs)
}
