/** One row of the results table. */
export interface Row {
  readonly name: string
  readonly payload: string
  /** The median over runs. */
  readonly pavillion: number
  /** The raw node:dgram figure of the same shape, measured in the same run (median over runs). */
  readonly raw: number | undefined
  readonly unit: string
  /** pavillion / raw for rates (median of each run's ratio); undefined where no raw figure applies or for latencies. */
  readonly ratio: number | undefined
  /** CPU time of every process involved per operation, µs (two-process rates), medians over runs. */
  readonly cpu?: { readonly pavillion: number; readonly raw: number }
  /** Every run's figures, in run order. */
  readonly runs: {
    readonly pavillion: readonly number[]
    readonly raw: readonly number[]
    readonly ratio: readonly number[]
    readonly cpu?: { readonly pavillion: readonly number[]; readonly raw: readonly number[] }
  }
}

/** Whether pavillion / raw means something for this unit (rates and ratios, not latencies or sizes). */
function hasRatio(unit: string): boolean {
  return unit.endsWith('/s') || unit === 'ratio'
}

/** Builds a one-run row, with the ratio when a raw figure exists and the unit is a rate. */
export function row(
  name: string,
  payload: string,
  pavillion: number,
  raw: number | undefined,
  unit: string,
  cpu?: { readonly pavillion: number; readonly raw: number },
): Row {
  const ratio = raw === undefined || !hasRatio(unit) ? undefined : pavillion / raw
  const runs = {
    pavillion: [pavillion],
    raw: raw === undefined ? [] : [raw],
    ratio: ratio === undefined ? [] : [ratio],
  }
  const base = { name, payload, pavillion, raw, unit, ratio }
  if (cpu === undefined) return { ...base, runs }
  return { ...base, cpu, runs: { ...runs, cpu: { pavillion: [cpu.pavillion], raw: [cpu.raw] } } }
}

/** A two-process rate row from both sides' measurements (rate and CPU time per operation). */
export function measuredRow(
  name: string,
  payload: string,
  ours: { readonly perSecond: number; readonly cpuUs: number },
  raw: { readonly perSecond: number; readonly cpuUs: number },
  unit: string,
): Row {
  return row(name, payload, ours.perSecond, raw.perSecond, unit, { pavillion: ours.cpuUs, raw: raw.cpuUs })
}

/** The median of `values` (undefined when empty). */
function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Merges the rows of several runs of one scenario (same name and payload) into one row of medians, keeping every run. */
export function mergeRuns(runs: readonly (readonly Row[])[]): Row[] {
  const merged = new Map<
    string,
    {
      first: Row
      pavillion: number[]
      raw: number[]
      ratio: number[]
      cpu: { pavillion: number[]; raw: number[] }
    }
  >()
  for (const rows of runs) {
    for (const r of rows) {
      const key = `${r.name}\u0000${r.payload}`
      const entry = merged.get(key) ?? {
        first: r,
        pavillion: [],
        raw: [],
        ratio: [],
        cpu: { pavillion: [], raw: [] },
      }
      entry.cpu.pavillion.push(...(r.runs.cpu?.pavillion ?? []))
      entry.cpu.raw.push(...(r.runs.cpu?.raw ?? []))
      entry.pavillion.push(...r.runs.pavillion)
      entry.raw.push(...r.runs.raw)
      entry.ratio.push(...r.runs.ratio)
      merged.set(key, entry)
    }
  }
  return [...merged.values()].map(({ first, pavillion, raw, ratio, cpu }) => {
    const merged = { ...first, pavillion: median(pavillion)!, raw: median(raw), ratio: median(ratio) }
    if (cpu.pavillion.length === 0) return { ...merged, runs: { pavillion, raw, ratio } }
    const cpuMedians = { pavillion: median(cpu.pavillion)!, raw: median(cpu.raw)! }
    return { ...merged, cpu: cpuMedians, runs: { pavillion, raw, ratio, cpu } }
  })
}
