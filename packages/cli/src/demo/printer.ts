import type { OutputStream } from '../io.ts'
import type { Style } from '../output.ts'

/** What one step of the demo did. */
export interface StepRecord {
  readonly title: string
  readonly summary: string
  /** Duration, ms. */
  readonly ms: number
}

/**
 * Prints the demo for a person: a heading per step, indented details, a
 * check mark with the step's duration, and the closing table. Colours come
 * from `style` (plain when stdout is not a terminal).
 */
export class DemoPrinter {
  readonly style: Style
  readonly #out: OutputStream

  constructor(out: OutputStream, style: Style) {
    this.#out = out
    this.style = style
  }

  /** The opening lines. */
  banner(lines: readonly string[]): void {
    const [first = '', ...rest] = lines
    this.#line(this.style.bold(first))
    for (const line of rest) this.#line(this.style.dim(line))
    this.#line('')
  }

  /** The heading of step `n`. */
  step(n: number, title: string): void {
    this.#line(`${this.style.bold(this.style.cyan(`${n}.`))} ${this.style.bold(title)}`)
  }

  /** A detail line under the current step. */
  detail(text: string): void {
    this.#line(`   ${text}`)
  }

  /** The end of a step that worked. */
  done(record: StepRecord): void {
    this.#line(`   ${this.style.green('✓')} ${record.summary} ${this.style.dim(`(${formatMs(record.ms)})`)}`)
    this.#line('')
  }

  /** The end of a step that failed. */
  failed(message: string): void {
    this.#line(`   ${this.style.red('✗')} ${message}`)
    this.#line('')
  }

  /** The closing table: one row per step, then the total. */
  table(records: readonly StepRecord[]): void {
    const headers = ['#', 'step', 'what happened', 'time']
    const rows = records.map((r, i) => [String(i + 1), r.title, r.summary, formatMs(r.ms)])
    const total = records.reduce((sum, r) => sum + r.ms, 0)
    const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]?.length ?? 0)))
    const cell = (text: string, c: number) =>
      c === 3 ? text.padStart(widths[c] ?? 0) : text.padEnd(widths[c] ?? 0)
    const render = (cells: readonly string[]) => cells.map(cell).join('  ').trimEnd()
    this.#line(this.style.bold(render(headers)))
    this.#line(this.style.dim(widths.map((w) => '─'.repeat(w)).join('  ')))
    for (const row of rows) this.#line(render(row))
    this.#line(this.style.dim(widths.map((w) => '─'.repeat(w)).join('  ')))
    this.#line(this.style.bold(render(['', `${records.length} steps`, 'all passed', formatMs(total)])))
  }

  #line(text: string): void {
    this.#out.write(`${text}\n`)
  }
}

/** `3.2 ms`, `48 ms`, `1.21 s`. */
function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}
