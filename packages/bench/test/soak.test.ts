import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const CLI = new URL('../dist/cli.js', import.meta.url)
const dir = mkdtempSync(join(tmpdir(), 'bench-soak-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface JsonRow {
  readonly name: string
  readonly pavillion: number
}

describe('the soak scenario', () => {
  it('1: 50 clients for 10 s over real UDP: every operation acknowledged, the server memory reported', async () => {
    const json = join(dir, 'soak.json')
    await promisify(execFile)(
      process.execPath,
      [
        '--expose-gc',
        CLI.pathname,
        '--only',
        'soak',
        '--soak-clients',
        '50',
        '--soak-seconds',
        '10',
        '--json',
        json,
      ],
      { timeout: 90_000 },
    )
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      failed: unknown[]
      tables: { 'two-process': JsonRow[] }
    }
    expect(result.failed).toEqual([])
    const figure = (part: string) =>
      result.tables['two-process'].find((r) => r.name.includes(part))?.pavillion
    // One operation per client per second, for 10 s.
    expect(figure('operations, all acknowledged')).toBeGreaterThanOrEqual(450)
    expect(figure('operations, all acknowledged')).toBeLessThanOrEqual(550)
    expect(figure('failed operations')).toBe(0)
    expect(figure('server heap + buffers at end')).toBeGreaterThan(1)
  }, 120_000)
})
