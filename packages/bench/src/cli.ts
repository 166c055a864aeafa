#!/usr/bin/env node
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ProgressLine, wantsProgress } from '@pavillion/test-utils'
import { loadScenarios } from './catalog.ts'
import type { Budget } from './measure.ts'
import { makeKeys } from './pair.ts'
import { mergeRuns, type Row } from './row.ts'
import type { BenchContext } from './scenario.ts'
import { formatTable } from './table.ts'

const { values } = parseArgs({
  // `pnpm bench -- --quick` passes the `--` through: skip it.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string', default: 'bench-results.json' },
    only: { type: 'string' },
    runs: { type: 'string' },
    sessions: { type: 'string', default: '10000' },
  },
})

const budget: Budget = values.quick ? { warmupMs: 200, durationMs: 700 } : { warmupMs: 500, durationMs: 2000 }
const runs = Number(values.runs ?? (values.quick ? 1 : 3))
if (!Number.isInteger(runs) || runs < 1 || runs > 20) {
  console.error(`--runs expected an integer 1–20, got ${values.runs}`)
  process.exit(2)
}
const only = values.only?.split(',')
const scenarios = (await loadScenarios()).filter((s) => only === undefined || only.includes(s.name))
if (only !== undefined && scenarios.length !== only.length) {
  console.error(`--only: unknown scenario among ${only.join(', ')}`)
  process.exit(2)
}

const keys = await makeKeys()
const context: BenchContext = {
  keys,
  budget,
  sessions: Number(values.sessions),
  backend: keys.crypto.backend,
}
const header = `node ${process.version}, crypto backend ${context.backend}, ${runs} run(s) of ${budget.durationMs} ms after ${budget.warmupMs} ms warm-up, loopback`
console.log(header)
const tables: Record<'two-process' | 'one-process', Row[]> = {
  'two-process': [],
  'one-process': [],
}
// A progress line on stderr for a person at a terminal; quiet with --json or when piped.
const line = new ProgressLine(process.stderr, wantsProgress(process.stdout, process.argv.slice(2)))
for (const [i, scenario] of scenarios.entries()) {
  const perRun: Row[][] = []
  for (let run = 1; run <= runs; run++) {
    const started = performance.now()
    const draw = () =>
      line.update(
        `bench [${i + 1}/${scenarios.length}] ${scenario.name} (run ${run}/${runs}) ${((performance.now() - started) / 1000).toFixed(1)} s`,
      )
    draw()
    const timer = setInterval(draw, 250)
    try {
      perRun.push(await scenario.run(context))
    } finally {
      clearInterval(timer)
    }
  }
  tables[scenario.mode].push(...mergeRuns(perRun))
}
line.clear()

for (const [mode, rows] of Object.entries(tables)) {
  if (rows.length === 0) continue
  const where =
    mode === 'two-process' ? 'server and client in separate processes' : 'server and client in one process'
  console.log(`\n${where}:\n\n${formatTable(rows)}`)
}
writeFileSync(
  values.json,
  `${JSON.stringify({ node: process.version, backend: context.backend, date: new Date().toISOString(), budget, runs, tables }, null, 2)}\n`,
)
console.log(`\nwritten to ${values.json}`)
