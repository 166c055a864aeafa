import type { Row } from './row.ts'

/** A figure as the table shows it: thousands separated above 100, two decimals below. */
function figure(n: number | undefined): string {
  return n === undefined || Number.isNaN(n)
    ? ''
    : n >= 100
      ? Math.round(n).toLocaleString('en-US')
      : n.toFixed(2)
}

/** The spread of a row over its runs: the ratio's range for rates, else pavillion's. */
function spread(r: Row): string {
  const values = r.runs.ratio.length > 0 ? r.runs.ratio : r.runs.pavillion
  if (values.length < 2) return ''
  return `${figure(Math.min(...values))}–${figure(Math.max(...values))}`
}

/** The rows as an aligned text table (Markdown-compatible pipes). */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    [
      'benchmark',
      'payload',
      'pavillion',
      'raw dgram',
      'ratio',
      'runs',
      'spread',
      'unit',
      'CPU µs/op (ours / raw)',
    ],
    ...rows.map((r) => [
      r.name,
      r.payload,
      figure(r.pavillion),
      figure(r.raw),
      r.ratio === undefined ? '' : r.ratio.toFixed(2),
      String(r.runs.pavillion.length),
      spread(r),
      r.unit,
      r.cpu === undefined ? '' : `${r.cpu.pavillion.toFixed(1)} / ${r.cpu.raw.toFixed(1)}`,
    ]),
  ]
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)))
  const numeric = (c: number) => c >= 2 && c <= 6
  const render = (line: readonly string[]) =>
    `| ${line.map((cell, c) => (numeric(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join(' | ')} |`
  const rule = `| ${widths.map((w, c) => (numeric(c) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`
  return [render(lines[0]!), rule, ...lines.slice(1).map(render)].join('\n')
}
