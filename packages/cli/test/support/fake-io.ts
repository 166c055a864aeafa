import type { CliIo } from '../../src/io.ts'
import { Interrupted } from '../../src/usage-error.ts'

/** An in-memory CliIo: captured stdout/stderr, given stdin and env, and an interrupt. */
export class FakeIo {
  readonly #stdout: string[] = []
  readonly #stderr: string[] = []
  readonly #interrupt = new AbortController()
  readonly io: CliIo

  constructor(options: { env?: Record<string, string>; stdin?: string; tty?: boolean } = {}) {
    const stdin = options.stdin ?? ''
    this.io = {
      stdout: { write: (text: string) => this.#stdout.push(text), isTTY: options.tty === true },
      stderr: { write: (text: string) => this.#stderr.push(text) },
      stdin: () =>
        (async function* () {
          if (stdin !== '') yield new TextEncoder().encode(stdin)
        })(),
      env: options.env ?? {},
      signal: this.#interrupt.signal,
    }
  }

  get stdout(): string {
    return this.#stdout.join('')
  }

  get stderr(): string {
    return this.#stderr.join('')
  }

  /** Non-empty stdout lines. */
  lines(): string[] {
    return this.stdout.split('\n').filter((line) => line !== '')
  }

  /** Stdout parsed as NDJSON (throws if a line is not JSON). */
  records(): Record<string, unknown>[] {
    return this.lines().map((line) => JSON.parse(line) as Record<string, unknown>)
  }

  /** Simulates SIGINT. */
  interrupt(): void {
    this.#interrupt.abort(new Interrupted('SIGINT'))
  }
}

export { waitUntil } from '@pavillion/test-utils'
