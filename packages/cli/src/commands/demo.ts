import { parseCommand, positionals } from '../args/parse.ts'
import { debugEnabled, debugTracer } from '../debug-trace.ts'
import { DemoPrinter } from '../demo/printer.ts'
import { runTour } from '../demo/tour.ts'
import { EXIT } from '../exit-status.ts'
import type { CliIo } from '../io.ts'
import { styleFor } from '../output.ts'
import { RuntimeFailure } from '../usage-error.ts'
import { printHelp } from './help.ts'

/** The whole demo must finish within this, ms (it normally takes well under a second). */
const DEMO_TIME_LIMIT = 20_000

/**
 * `pavillion demo`: a tour of the protocol on this machine only, ending with
 * a table of the steps and their durations. Exit 0 when every step worked.
 */
export async function demo(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals: args } = parseCommand('demo', argv, { debug: { type: 'boolean' } })
  if (values.help === true) return printHelp('demo', io)
  positionals('demo', args, [])
  const print = new DemoPrinter(io.stdout, styleFor(io.stdout, io.env))
  const debug = debugEnabled(values.debug, io.env)
  print.banner([
    'Pavillion demo',
    'Everything stays on this machine: 127.0.0.1, and the group 239.255.28.12 through the interface 127.0.0.1.',
  ])
  const limit = AbortSignal.timeout(DEMO_TIME_LIMIT)
  try {
    const records = await runTour(print, {
      signal: AbortSignal.any([io.signal, limit]),
      trace: (label) => (debug ? { debug: debugTracer(io, label) } : {}),
    })
    print.table(records)
    return EXIT.ok
  } catch (error) {
    if (limit.aborted && !io.signal.aborted) {
      throw new RuntimeFailure(`the demo did not finish within ${DEMO_TIME_LIMIT / 1000} s`)
    }
    if (io.signal.aborted) throw io.signal.reason
    throw new RuntimeFailure(`the demo failed: ${(error as Error).message}`)
  }
}
