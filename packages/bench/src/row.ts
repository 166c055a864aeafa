/** One row of the results table. */
export interface Row {
  readonly name: string
  readonly payload: string
  readonly pavillion: number
  /** The raw node:dgram figure of the same shape, measured in the same run. */
  readonly raw: number | undefined
  readonly unit: string
  /** pavillion / raw for rates; undefined where no raw figure applies. */
  readonly ratio: number | undefined
}

/** Builds a row, with the ratio when a raw figure exists. */
export function row(
  name: string,
  payload: string,
  pavillion: number,
  raw: number | undefined,
  unit: string,
): Row {
  return { name, payload, pavillion, raw, unit, ratio: raw === undefined ? undefined : pavillion / raw }
}
