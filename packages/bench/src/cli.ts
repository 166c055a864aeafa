#!/usr/bin/env node
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ProgressLine, wantsProgress } from '@pavillion/test-utils'
import type { Budget } from './measure.ts'
import { mqttBridgeThroughput } from './mqtt-bridge.ts'
import { makeKeys } from './pair.ts'
import { reliablePublishes } from './pubsub.ts'
import { registerRates } from './registers.ts'
import type { Row } from './row.ts'
import { rpcCalls } from './rpc.ts'
import { handshakes, memoryPerSession, reliableMessages } from './scenarios.ts'

/** One group of benchmark rows. */
type Group = (keys: Awaited<ReturnType<typeof makeKeys>>, budget: Budget) => Promise<Row[]>

const { values } = parseArgs({
  // `pnpm bench -- --quick` passes the `--` through: skip it.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string', default: 'bench-results.json' },
    only: { type: 'string' },
    sessions: { type: 'string', default: '10000' },
  },
})

const budget: Budget = values.quick ? { warmupMs: 200, durationMs: 700 } : { warmupMs: 500, durationMs: 2500 }
const sizes = [64, 1024]
const groups: Record<string, Group> = {
  rpc: (keys, b) => rpcCalls(keys, b, sizes),
  publish: (keys, b) => reliablePublishes(keys, b, sizes),
  reliable: (keys, b) => reliableMessages(keys, b, sizes),
  handshake: (keys, b) => handshakes(keys, b),
  registers: (keys, b) => registerRates(keys, b),
  memory: (keys) => memoryPerSession(keys, Number(values.sessions)),
  mqtt: (_keys, b) => mqttBridgeThroughput(b),
}

const keys = await makeKeys()
const rows: Row[] = []
const chosen = Object.entries(groups).filter(
  ([name]) => values.only === undefined || values.only.split(',').includes(name),
)
// A progress line on stderr for a person at a terminal; quiet with --json or when piped.
const line = new ProgressLine(process.stderr, wantsProgress(process.stdout, process.argv.slice(2)))
for (const [i, [name, group]] of chosen.entries()) {
  const started = performance.now()
  const draw = () =>
    line.update(
      `bench [${i + 1}/${chosen.length}] ${name} ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
  draw()
  const timer = setInterval(draw, 250)
  try {
    rows.push(...(await group(keys, budget)))
  } finally {
    clearInterval(timer)
  }
}
line.clear()

const fmt = (n: number | undefined) =>
  n === undefined ? '' : n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2)
const table = [
  ['benchmark', 'payload', 'pavillion', 'raw dgram', 'ratio', 'unit'],
  ...rows.map((r) => [
    r.name,
    r.payload,
    fmt(r.pavillion),
    fmt(r.raw),
    r.ratio === undefined ? '' : r.ratio.toFixed(2),
    r.unit,
  ]),
]
const widths = table[0]!.map((_, i) => Math.max(...table.map((line) => line[i]!.length)))
for (const [i, line] of table.entries()) {
  console.log(
    line
      .map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  '),
  )
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
}
writeFileSync(
  values.json,
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), budget, rows }, null, 2)}\n`,
)
console.log(`\nwritten to ${values.json}`)
