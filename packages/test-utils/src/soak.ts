import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { InvalidArgumentError } from '@pavillion/core'
import { ProgressLine, wantsProgress } from './progress-line.ts'
import { runSoak, type SoakReport } from './soak-run.ts'

/**
 * The soak script: `node --expose-gc dist/soak.js [--seconds 60] [--seed N] [--json]`.
 * Prints its report and verdict to stdout (`--json`: the report as one JSON line) and, on a
 * terminal without `--json`, a progress line on stderr; resolves with the report.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<SoakReport> {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv]
  const { values } = parseArgs({
    // `pnpm soak -- --seconds 10` passes the `--` through.
    args,
    options: {
      seconds: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  })
  const seconds = Number(values.seconds)
  const seed = Number(values.seed)
  if (!(Number.isFinite(seconds) && seconds > 0))
    throw new InvalidArgumentError('--seconds expects a positive number')
  if (!Number.isInteger(seed)) throw new InvalidArgumentError('--seed expects an integer')
  const line = new ProgressLine(process.stderr, wantsProgress(process.stdout, args))
  const report = await runSoak({
    seconds,
    seed,
    log: (text) => {
      line.clear()
      if (!values.json) process.stdout.write(`${text}\n`)
    },
    progress: (elapsed, total, pending) =>
      line.update(
        `soak ${elapsed.toFixed(0)}/${total} s (${Math.round((100 * elapsed) / total)}%), ${pending} pending`,
      ),
  })
  line.clear()
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`)
  return report
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (report) => {
      process.exitCode = report.ok ? 0 : 1
    },
    (error: unknown) => {
      process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 2
    },
  )
}
