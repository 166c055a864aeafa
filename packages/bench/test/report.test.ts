import { describe, expect, it } from 'vitest'
import { Report } from '../src/report.ts'
import { row } from '../src/row.ts'

function sink() {
  const printed: string[] = []
  const files: string[] = []
  return {
    printed,
    files,
    last: () => JSON.parse(files.at(-1)!) as Record<string, unknown>,
    sink: { print: (text: string) => printed.push(text), writeJson: (text: string) => files.push(text) },
  }
}

const HEADER = { node: 'v20', backend: 'wasm', budget: { warmupMs: 1, durationMs: 2 }, runs: 1 }

describe('Report', () => {
  it('prints each scenario and rewrites the file as soon as it finishes', () => {
    const out = sink()
    const report = new Report(out.sink, HEADER)
    report.add('rpc', 'one-process', [row('RPC echo', '64 B', 50_000, 100_000, 'calls/s')])
    expect(out.printed).toHaveLength(1)
    expect(out.printed[0]).toContain('| RPC echo')
    expect(out.last()).toMatchObject({ complete: false, tables: { 'one-process': [{ name: 'RPC echo' }] } })
    report.add('memory', 'one-process', [row('server memory per session', '-', 1400, undefined, 'bytes')])
    expect(out.files).toHaveLength(2)
    expect((out.last().tables as Record<string, unknown[]>)['one-process']).toHaveLength(2)
  })

  it('keeps what was measured when a later scenario throws', () => {
    const out = sink()
    const report = new Report(out.sink, HEADER)
    report.add('rpc', 'two-process', [row('RPC echo', '64 B', 50_000, 100_000, 'calls/s')])
    report.fail('cold-start', new Error('child exited with 1'))
    expect(out.printed.at(-1)).toBe('\ncold-start failed: child exited with 1')
    expect(report.failed).toEqual([{ scenario: 'cold-start', error: 'child exited with 1' }])
    expect(out.last()).toMatchObject({
      complete: false,
      failed: [{ scenario: 'cold-start' }],
      tables: { 'two-process': [{ name: 'RPC echo' }] },
    })
    report.add('memory', 'one-process', [row('server memory per session', '-', 1400, undefined, 'bytes')])
    report.finish('out.json')
    expect(out.last()).toMatchObject({ complete: true })
    expect(out.printed.join('\n')).toContain('\nserver and client in separate processes:\n')
    expect(out.printed.join('\n')).toContain('\nserver and client in one process:\n')
    expect(out.printed.at(-1)).toBe('\nwritten to out.json')
  })
})

describe('Report of one scenario', () => {
  it('prints its table once', () => {
    const out = sink()
    const report = new Report(out.sink, HEADER)
    report.add('rpc', 'one-process', [row('RPC echo', '64 B', 50_000, 100_000, 'calls/s')])
    report.finish('out.json')
    expect(out.printed.filter((text) => text.includes('| RPC echo'))).toHaveLength(1)
  })
})
