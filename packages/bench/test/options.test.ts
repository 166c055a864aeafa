import { describe, expect, it } from 'vitest'
import { parseCommandLine, usage } from '../src/options.ts'

const NAMES = ['memory', 'cold-start', 'rpc']

describe('parseCommandLine', () => {
  it('1: defaults to 3 runs of 2 s over every scenario', () => {
    expect(parseCommandLine([], NAMES)).toEqual({
      kind: 'run',
      options: {
        budget: { warmupMs: 500, durationMs: 2000 },
        runs: 3,
        only: undefined,
        json: 'bench-results.json',
        sessions: 10_000,
        soak: { clients: 1000, seconds: 600 },
      },
    })
  })

  it('2: --quick is one short run; a `--` from pnpm is skipped', () => {
    const parsed = parseCommandLine(['--', '--quick', '--only', 'memory,rpc', '--sessions', '500'], NAMES)
    expect(parsed).toMatchObject({
      kind: 'run',
      options: { budget: { durationMs: 700 }, runs: 1, only: ['memory', 'rpc'], sessions: 500 },
    })
  })

  it.each([['--help'], ['-h'], ['--runs', '3', '--help']])('3: %s asks for help', (...argv) => {
    expect(parseCommandLine(argv, NAMES)).toEqual({ kind: 'help' })
  })

  it.each([
    [['--nope'], /Unknown option '--nope'/],
    [['--runs'], /--runs/],
    [['--runs', '0'], /--runs expected an integer 1–20, got 0/],
    [['--runs', '2.5'], /--runs expected an integer 1–20, got 2.5/],
    [['--sessions', 'many'], /--sessions expected an integer/],
    [['--soak-clients', '0'], /--soak-clients expected an integer 1–5000, got 0/],
    [['--soak-seconds', '5'], /--soak-seconds expected an integer 10–3600, got 5/],
    [['--only', 'memory,nope'], /--only: no scenario nope \(there are memory, cold-start, rpc\)/],
    [['stray'], /stray/],
  ])('4: %j is one line saying what is wrong', (argv, message) => {
    const parsed = parseCommandLine(argv, NAMES)
    expect(parsed.kind).toBe('error')
    if (parsed.kind !== 'error') return
    expect(parsed.message).toMatch(message)
    expect(parsed.message).not.toContain('\n')
  })

  it('5: the usage names every scenario', () => {
    expect(usage(NAMES)).toContain('memory, cold-start, rpc')
  })
})
