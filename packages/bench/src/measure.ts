/** One measured figure. */
export interface Rate {
  /** Completed operations per second. */
  readonly perSecond: number
  /** Operations completed. */
  readonly operations: number
  /** Wall time measured, ms. */
  readonly elapsedMs: number
  /** Operations of the warm-up and the measurement together. */
  readonly allOperations: number
  /** CPU time of this process during the warm-up and the measurement, ms. */
  readonly allCpuMs: number
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
export function sequential(operation: () => Promise<unknown>, budget: Budget): Promise<Rate> {
  return windowed(operation, 1, budget)
}

/** Keeps `window` operations in flight for the budget and reports the completion rate. */
export function windowed(operation: () => Promise<unknown>, window: number, budget: Budget): Promise<Rate> {
  return lanes(
    Array.from({ length: window }, () => operation),
    budget,
  )
}

/**
 * Runs every lane's operation back to back, all lanes at once (e.g. one lane
 * per client), for the warm-up and then the budget, and reports the total
 * completion rate of the measured part.
 */
export async function lanes(operations: readonly (() => Promise<unknown>)[], budget: Budget): Promise<Rate> {
  const run = async (ms: number) => {
    const start = performance.now()
    const end = start + ms
    let done = 0
    const lane = async (operation: () => Promise<unknown>) => {
      while (performance.now() < end) {
        await operation()
        done++
      }
    }
    await Promise.all(operations.map(lane))
    const elapsedMs = performance.now() - start
    return { perSecond: (done * 1000) / elapsedMs, operations: done, elapsedMs }
  }
  const cpu = process.cpuUsage()
  const warmup = await run(budget.warmupMs)
  const measured = await run(budget.durationMs)
  return { ...measured, allOperations: warmup.operations + measured.operations, allCpuMs: cpuMsSince(cpu) }
}

/** Latency figures of a series of sequential operations, ms. */
interface Latencies {
  readonly p50: number
  readonly p99: number
  readonly max: number
}

/** Runs `operation` `count` times one after the other and returns each one's latency, ms. */
async function timeEach(operation: () => Promise<unknown>, count: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await operation()
    times.push(performance.now() - start)
  }
  return times
}

/** p50, p99 and max of `times`. */
function summarize(times: readonly number[]): Latencies {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN }
}

/** Latencies of a series of sequential operations and the CPU time this process spent on it. */
export interface Series extends Latencies {
  /** User + system CPU time of this process during the series, ms. */
  readonly cpuMs: number
}

/** Runs `operation` `count` times one after the other: latency figures and CPU time. */
export async function series(operation: () => Promise<unknown>, count: number): Promise<Series> {
  const before = process.cpuUsage()
  const times = await timeEach(operation, count)
  return { ...summarize(times), cpuMs: cpuMsSince(before) }
}

/** The zero point of `cpuMsSince`: the process's start. */
export const STARTED: NodeJS.CpuUsage = { user: 0, system: 0 }

/** CPU time (user + system) of this process since `before`, ms. */
export function cpuMsSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

/** What {@link paced} did: operations by kind, failures by kind and error, and the latencies of all of them. */
export interface PacedReport extends Latencies {
  readonly operations: Record<string, number>
  readonly failures: Record<string, number>
}

/** One paced lane: its operations, used in turn, each named by kind. */
export type PacedLane = readonly { readonly kind: string; readonly run: () => Promise<unknown> }[]

/**
 * Runs every lane for `seconds`, each starting one operation every `periodMs`
 * (its kinds in turn, the lanes' first starts spread over one period; a late
 * operation delays its lane's next one, never bunching them), never more
 * than one in flight per lane: a steady load, unlike {@link lanes}'
 * back-to-back one. Every operation is awaited, so each ends as a success or
 * a counted failure.
 */
export async function paced(
  lanes: readonly PacedLane[],
  periodMs: number,
  seconds: number,
): Promise<PacedReport> {
  const operations: Record<string, number> = {}
  const failures: Record<string, number> = {}
  const times: number[] = []
  const add = (table: Record<string, number>, key: string) => {
    table[key] = (table[key] ?? 0) + 1
  }
  const start = performance.now()
  const end = start + seconds * 1000
  const lane = async (kinds: PacedLane, index: number) => {
    let next = start + (periodMs * index) / lanes.length
    for (let turn = 0; ; turn++) {
      const wait = next - performance.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      if (performance.now() >= end) return
      const { kind, run } = kinds[turn % kinds.length]!
      add(operations, kind)
      const began = performance.now()
      try {
        await run()
        times.push(performance.now() - began)
      } catch (error) {
        add(failures, `${kind}: ${error instanceof Error ? error.message : String(error)}`)
      }
      next = Math.max(next + periodMs, performance.now())
    }
  }
  await Promise.all(lanes.map(lane))
  return { operations, failures, ...summarize(times) }
}
