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
  /** Every run's figures, in run order. */
  readonly runs: {
    readonly pavillion: readonly number[]
    readonly raw: readonly number[]
    readonly ratio: readonly number[]
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
): Row {
  const ratio = raw === undefined || !hasRatio(unit) ? undefined : pavillion / raw
  return {
    name,
    payload,
    pavillion,
    raw,
    unit,
    ratio,
    runs: {
      pavillion: [pavillion],
      raw: raw === undefined ? [] : [raw],
      ratio: ratio === undefined ? [] : [ratio],
    },
  }
}

/** The median of `values` (undefined when empty). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Merges the rows of several runs of one scenario (same name and payload) into one row of medians, keeping every run. */
export function mergeRuns(runs: readonly (readonly Row[])[]): Row[] {
  const merged = new Map<string, { first: Row; pavillion: number[]; raw: number[]; ratio: number[] }>()
  for (const rows of runs) {
    for (const r of rows) {
      const key = `${r.name}\u0000${r.payload}`
      const entry = merged.get(key) ?? { first: r, pavillion: [], raw: [], ratio: [] }
      entry.pavillion.push(...r.runs.pavillion)
      entry.raw.push(...r.runs.raw)
      entry.ratio.push(...r.runs.ratio)
      merged.set(key, entry)
    }
  }
  return [...merged.values()].map(({ first, pavillion, raw, ratio }) => ({
    ...first,
    pavillion: median(pavillion)!,
    raw: median(raw),
    ratio: median(ratio),
    runs: { pavillion, raw, ratio },
  }))
}
