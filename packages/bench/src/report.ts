import type { Budget } from './measure.ts'
import type { Row } from './row.ts'
import { formatTable } from './table.ts'

/** The two tables of the results. */
export type Mode = 'two-process' | 'one-process'

/** Where the results go: stdout lines and the JSON file (rewritten whole each time). */
export interface ReportSink {
  print(text: string): void
  writeJson(text: string): void
}

/** What the JSON file says besides the rows. */
export interface ReportHeader {
  readonly node: string
  readonly backend: string
  readonly budget: Budget
  readonly runs: number
}

const WHERE: Record<Mode, string> = {
  'two-process': 'server and client in separate processes',
  'one-process': 'server and client in one process',
}

/**
 * The results of one bench run as they come: each scenario's rows are printed
 * and the JSON file rewritten as soon as the scenario finishes, so a crash or
 * an interrupt later keeps everything measured so far. `finish` prints the
 * whole tables.
 */
export class Report {
  readonly #sink: ReportSink
  readonly #header: ReportHeader
  readonly #date = new Date().toISOString()
  readonly #tables: Record<Mode, Row[]> = { 'two-process': [], 'one-process': [] }
  readonly #failed: { scenario: string; error: string }[] = []
  #scenarios = 0

  constructor(sink: ReportSink, header: ReportHeader) {
    this.#sink = sink
    this.#header = header
  }

  /** Scenarios that threw, in order. */
  get failed(): readonly { readonly scenario: string; readonly error: string }[] {
    return this.#failed
  }

  /** One scenario's merged rows: printed now, and the file rewritten. */
  add(scenario: string, mode: Mode, rows: readonly Row[]): void {
    this.#tables[mode].push(...rows)
    this.#scenarios++
    this.#sink.print(`\n${scenario} (${WHERE[mode]}):\n\n${formatTable(rows)}`)
    this.#write(false)
  }

  /** A scenario that threw: said in one line, kept in the file; the run goes on. */
  fail(scenario: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error)
    this.#failed.push({ scenario, error: message })
    this.#sink.print(`\n${scenario} failed: ${message}`)
    this.#write(false)
  }

  /** Prints the whole tables (when more than one scenario ran) and marks the file complete. */
  finish(json: string): void {
    for (const mode of Object.keys(this.#tables) as Mode[]) {
      const rows = this.#tables[mode]
      if (rows.length > 0 && this.#scenarios > 1)
        this.#sink.print(`\n${WHERE[mode]}:\n\n${formatTable(rows)}`)
    }
    this.#write(true)
    this.#sink.print(`\nwritten to ${json}`)
  }

  #write(complete: boolean): void {
    const { node, backend, budget, runs } = this.#header
    const body = {
      node,
      backend,
      date: this.#date,
      budget,
      runs,
      complete,
      failed: this.#failed,
      tables: this.#tables,
    }
    this.#sink.writeJson(`${JSON.stringify(body, null, 2)}\n`)
  }
}
