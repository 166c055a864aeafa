import { parseArgs } from 'node:util'
import type { Budget } from './measure.ts'

/** What `pavillion-bench --help` prints, naming the scenarios there are. */
export function usage(scenarios: readonly string[]): string {
  return `Usage: pavillion-bench [--quick] [--runs N] [--only NAME,...] [--json FILE] [--sessions N]
                       [--soak-clients N] [--soak-seconds N]

Runs the benchmarks, each beside raw node:dgram of the same shape in the same run,
and prints every scenario's rows as soon as it finishes (then the whole table).
  --quick               one short run per scenario (default: 3 runs of 2 s)
  --runs N              runs of each scenario, 1–20 (medians and spread)
  --only NAME,...       only these scenarios: ${scenarios.join(', ')}
  --json FILE           rewritten after every scenario (default bench-results.json)
  --sessions N          sessions of the memory scenario (default 10000)
  --soak-clients N      clients of the soak scenario, 1–5000 (default 1000)
  --soak-seconds N      length of the soak scenario, 10–3600 s (default 600)
The soak runs only when --only names it, and once.
  -h, --help            this help
Run it with node --expose-gc for a clean memory figure.`
}

/** What one bench run does. */
interface BenchOptions {
  readonly budget: Budget
  readonly runs: number
  /** The scenarios to run, or undefined for all. */
  readonly only: readonly string[] | undefined
  readonly json: string
  readonly sessions: number
  readonly soak: { readonly clients: number; readonly seconds: number }
}

/** The command line, parsed: options to run with, a request for help, or one line saying what is wrong. */
export type ParsedCommandLine =
  | { readonly kind: 'run'; readonly options: BenchOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string }

/** `value` as an integer in [min, max], or undefined. */
function integerIn(value: string, min: number, max: number): number | undefined {
  const n = Number(value)
  return /^\d+$/.test(value) && n >= min && n <= max ? n : undefined
}

/**
 * Parses the bench's arguments against the scenario names it knows. Never
 * throws: an unknown option, a missing value or a bad number is an error line.
 */
export function parseCommandLine(argv: readonly string[], scenarios: readonly string[]): ParsedCommandLine {
  let values: ReturnType<typeof parse>['values']
  try {
    // `pnpm bench -- --quick` passes the `--` through: skip it.
    values = parse(argv.filter((arg) => arg !== '--')).values
  } catch (error) {
    return { kind: 'error', message: (error as Error).message.split('\n')[0]! }
  }
  if (values.help) return { kind: 'help' }
  const runs = values.runs === undefined ? (values.quick ? 1 : 3) : integerIn(values.runs, 1, 20)
  if (runs === undefined)
    return { kind: 'error', message: `--runs expected an integer 1–20, got ${values.runs}` }
  const sessions = integerIn(values.sessions, 1, 1_000_000)
  if (sessions === undefined)
    return { kind: 'error', message: `--sessions expected an integer 1–1000000, got ${values.sessions}` }
  const clients = integerIn(values['soak-clients'], 1, 5000)
  if (clients === undefined)
    return {
      kind: 'error',
      message: `--soak-clients expected an integer 1–5000, got ${values['soak-clients']}`,
    }
  const seconds = integerIn(values['soak-seconds'], 10, 3600)
  if (seconds === undefined)
    return {
      kind: 'error',
      message: `--soak-seconds expected an integer 10–3600, got ${values['soak-seconds']}`,
    }
  const only = values.only?.split(',')
  const unknown = only?.filter((name) => !scenarios.includes(name)) ?? []
  if (unknown.length > 0)
    return {
      kind: 'error',
      message: `--only: no scenario ${unknown.join(', ')} (there are ${scenarios.join(', ')})`,
    }
  const budget: Budget = values.quick
    ? { warmupMs: 200, durationMs: 700 }
    : { warmupMs: 500, durationMs: 2000 }
  return {
    kind: 'run',
    options: { budget, runs, only, json: values.json, sessions, soak: { clients, seconds } },
  }
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      quick: { type: 'boolean', default: false },
      json: { type: 'string', default: 'bench-results.json' },
      only: { type: 'string' },
      runs: { type: 'string' },
      sessions: { type: 'string', default: '10000' },
      'soak-clients': { type: 'string', default: '1000' },
      'soak-seconds': { type: 'string', default: '600' },
    },
  })
}
