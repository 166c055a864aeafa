/** A stream a progress line is drawn on (process.stderr, or a test double). */
export interface ProgressStream {
  write(text: string): unknown
}

/**
 * Whether long-running scripts should draw progress: only for a person at a
 * terminal — stdout is a TTY and `--json` was not asked for. Scripts that pipe
 * the output, and CI logs, stay quiet.
 */
export function wantsProgress(stdout: { readonly isTTY?: boolean }, argv: readonly string[]): boolean {
  return stdout.isTTY === true && !argv.includes('--json')
}

/**
 * One status line redrawn in place (carriage return + erase line), for the
 * soak and the benchmarks. Does nothing when disabled; `clear()` leaves the
 * terminal as it was so the next ordinary line prints cleanly.
 */
export class ProgressLine {
  readonly #stream: ProgressStream
  readonly #enabled: boolean
  #drawn = false

  constructor(stream: ProgressStream, enabled: boolean) {
    this.#stream = stream
    this.#enabled = enabled
  }

  /** Replaces the line with `text`. */
  update(text: string): void {
    if (!this.#enabled) return
    this.#stream.write(`\r\u001b[2K${text}`)
    this.#drawn = true
  }

  /** Erases the line, if one is drawn. */
  clear(): void {
    if (!this.#drawn) return
    this.#stream.write('\r\u001b[2K')
    this.#drawn = false
  }
}
