import { InvalidArgumentError } from '@pavillion/core'
import { describe, expect, it } from 'vitest'
import { main } from '../src/soak.ts'
import { runSoak } from '../src/soak-run.ts'

// The soak script, briefly: every kind of traffic through 10% loss, 5% duplication and 5% reordering.
describe('soak', () => {
  it('3 s of mixed traffic: handles flat, nothing unexpected', async () => {
    const lines: string[] = []
    const progress: number[] = []
    const report = await runSoak({
      seconds: 3,
      seed: 11,
      log: (line) => lines.push(line),
      progress: (elapsed, total) => progress.push(elapsed / total),
    })
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.every((f, i) => f >= 0 && f < 1.1 && (i === 0 || f >= progress[i - 1]!))).toBe(true)
    console.info(lines.join('\n'))
    expect(report.handles.grown).toEqual([])
    expect(report.unexpected).toEqual([])
    for (const kind of ['rpc call', 'client reliable publish', 'server reliable publish', 'time sync']) {
      expect(report.operations[kind], kind).toBeGreaterThan(0)
    }
    const failed = Object.values(report.expectedFailures).reduce((sum, n) => sum + n, 0)
    const started = Object.values(report.operations).reduce((sum, n) => sum + n, 0)
    expect(failed).toBeLessThan(started / 10)
  })

  it('the script refuses bad arguments', async () => {
    await expect(main(['--seconds', '0'])).rejects.toThrow(InvalidArgumentError)
    await expect(main(['--seed', 'x'])).rejects.toThrow(InvalidArgumentError)
  })
})
