import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { runSoak, type SoakReport } from './soak-run.ts'

/**
 * The soak script: `node --expose-gc dist/soak.js [--seconds 60] [--seed N]`.
 * Prints its progress and verdict to stdout; resolves with the report.
 */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<SoakReport> {
  const { values } = parseArgs({
    // `pnpm soak -- --seconds 10` passes the `--` through.
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: { seconds: { type: 'string', default: '60' }, seed: { type: 'string', default: '1' } },
  })
  const seconds = Number(values.seconds)
  const seed = Number(values.seed)
  if (!(Number.isFinite(seconds) && seconds > 0)) throw new RangeError('--seconds expects a positive number')
  if (!Number.isInteger(seed)) throw new RangeError('--seed expects an integer')
  return runSoak({ seconds, seed, log: (line) => process.stdout.write(`${line}\n`) })
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
