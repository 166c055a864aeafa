import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { UsageError } from '../usage-error.ts'
import { printHelp } from './help.ts'

/** Where the benchmark runner is in a repository checkout, next to this package (src/ or dist/ alike). */
const BENCH_CLI = fileURLToPath(new URL('../../../bench/dist/cli.js', import.meta.url))

/**
 * `pavillion bench [ARGS...]`: runs `node --expose-gc packages/bench/dist/cli.js ARGS`
 * of the checkout this CLI lives in, with the terminal passed through, and
 * exits with its status. Outside a checkout: exit 2 with directions.
 */
export async function bench(argv: readonly string[], io: CliIo, runner: string = BENCH_CLI): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) return printHelp('bench', io)
  if (!existsSync(runner)) {
    throw new UsageError(
      'the benchmarks run from a repository checkout: clone it, then run pnpm bench (or build packages/bench and run pavillion bench there)',
    )
  }
  const child = spawn(process.execPath, ['--expose-gc', runner, ...argv], {
    stdio: 'inherit',
    signal: io.signal,
  })
  return new Promise((resolve) => {
    child.once('error', () => resolve(io.signal.aborted ? EXIT.interrupted : EXIT.failure))
    child.once('exit', (code) => resolve(code ?? EXIT.failure))
  })
}
