#!/usr/bin/env node
import { writeFileSync } from 'node:fs'
import { ProgressLine, wantsProgress } from '@pavillion/test-utils'
import { loadScenarios, SCENARIO_FILES } from './catalog.ts'
import { parseCommandLine, usage } from './options.ts'
import { makeKeys } from './pair.ts'
import { Report } from './report.ts'
import { mergeRuns, type Row } from './row.ts'
import type { BenchContext } from './scenario.ts'

const argv = process.argv.slice(2)
const parsed = parseCommandLine(argv, SCENARIO_FILES)
if (parsed.kind === 'help') {
  console.log(usage(SCENARIO_FILES))
  process.exit(0)
}
if (parsed.kind === 'error') {
  console.error(`pavillion-bench: ${parsed.message} (see --help)`)
  process.exit(2)
}
const { budget, runs, only, json, sessions, soak } = parsed.options
const scenarios = (await loadScenarios()).filter((s) =>
  only === undefined ? s.standalone === undefined : only.includes(s.name),
)

const keys = await makeKeys()
const context: BenchContext = { keys, budget, sessions, soak, backend: keys.crypto.backend }
console.log(
  `node ${process.version}, crypto backend ${context.backend}, ${runs} run(s) of ${budget.durationMs} ms after ${budget.warmupMs} ms warm-up, loopback`,
)
// A progress line on stderr for a person at a terminal; quiet with --json or when piped.
const line = new ProgressLine(process.stderr, wantsProgress(process.stdout, argv))
const report = new Report(
  {
    print: (text) => {
      line.clear()
      console.log(text)
    },
    writeJson: (text) => writeFileSync(json, text),
  },
  { node: process.version, backend: context.backend, budget, runs },
)
for (const [i, scenario] of scenarios.entries()) {
  const perRun: Row[][] = []
  try {
    const times = scenario.standalone ? 1 : runs
    for (let run = 1; run <= times; run++) {
      const started = performance.now()
      const draw = () =>
        line.update(
          `bench [${i + 1}/${scenarios.length}] ${scenario.name} (run ${run}/${times}) ${((performance.now() - started) / 1000).toFixed(1)} s`,
        )
      draw()
      const timer = setInterval(draw, 250)
      try {
        perRun.push(await scenario.run(context))
      } finally {
        clearInterval(timer)
      }
    }
  } catch (error) {
    // The runs that finished still count; the rest of the bench goes on.
    if (perRun.length > 0) report.add(scenario.name, scenario.mode, mergeRuns(perRun))
    report.fail(scenario.name, error)
    continue
  }
  report.add(scenario.name, scenario.mode, mergeRuns(perRun))
}
line.clear()
report.finish(json)
if (report.failed.length > 0) process.exitCode = 1
