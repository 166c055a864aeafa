import type { CliIo, OutputStream } from './io.ts'

/** ANSI styles, applied only when the stream is a terminal (and NO_COLOR is unset). */
export interface Style {
  bold(text: string): string
  dim(text: string): string
  green(text: string): string
  red(text: string): string
  cyan(text: string): string
  yellow(text: string): string
}

const PLAIN: Style = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  red: (t) => t,
  cyan: (t) => t,
  yellow: (t) => t,
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`

const ANSI: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  red: sgr(31, 39),
  cyan: sgr(36, 39),
  yellow: sgr(33, 39),
}

/** The style for `stream`: colours on a terminal, unless NO_COLOR is set; FORCE_COLOR forces them. */
export function styleFor(stream: OutputStream, env: CliIo['env']): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ANSI
  return stream.isTTY === true ? ANSI : PLAIN
}

/** A JSON-ready value: bigints as decimal strings, everything else as is. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

/**
 * Where a command's results go: one text line per record, or — with
 * `--json` — one JSON object per line (NDJSON) with an `event` field.
 * Diagnostics go to stderr as text either way.
 */
export class Output {
  readonly json: boolean
  readonly style: Style
  readonly #io: CliIo

  constructor(io: CliIo, json: boolean) {
    this.#io = io
    this.json = json
    this.style = json ? PLAIN : styleFor(io.stdout, io.env)
  }

  /** Writes one result: `{ event, ...fields }` as JSON, or `text`. */
  record(event: string, fields: Readonly<Record<string, unknown>>, text: string): void {
    this.#io.stdout.write(`${this.json ? JSON.stringify({ event, ...fields }, jsonReplacer) : text}\n`)
  }

  /** Writes a line of text to stdout (text mode only). */
  text(line: string): void {
    if (!this.json) this.#io.stdout.write(`${line}\n`)
  }

  /** Writes a diagnostic line to stderr. */
  note(line: string): void {
    this.#io.stderr.write(`${line}\n`)
  }
}
