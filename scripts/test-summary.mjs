#!/usr/bin/env node
// Adds up the vitest JSON reports each package wrote (PAVILLION_TEST_REPORT=1)
// and prints the closing line CI reads: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

let passed = 0
let failed = 0
let missing = 0
for (const pkg of readdirSync('packages')) {
  const testDir = join('packages', pkg, 'test')
  const report = join('packages', pkg, '.vitest-report.json')
  if (!existsSync(report)) {
    if (existsSync(testDir)) missing++
    continue
  }
  const json = JSON.parse(readFileSync(report, 'utf8'))
  passed += json.numPassedTests
  failed += json.numFailedTests
  // A file that failed to load has no test results; count it as a failure.
  failed += json.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length
}
if (missing > 0) console.log(`${missing} package(s) with tests wrote no report`)
console.log(`${passed} passed, ${failed + missing} failed`)
