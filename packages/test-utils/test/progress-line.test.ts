import { describe, expect, it } from 'vitest'
import { ProgressLine, wantsProgress } from '../src/index.ts'

describe('progress line', () => {
  it('is drawn only for a terminal without --json', () => {
    expect(wantsProgress({ isTTY: true }, ['--seconds', '5'])).toBe(true)
    expect(wantsProgress({ isTTY: true }, ['--json'])).toBe(false)
    expect(wantsProgress({ isTTY: false }, [])).toBe(false)
    expect(wantsProgress({}, [])).toBe(false)
  })

  it('redraws one line in place and erases it', () => {
    const out: string[] = []
    const line = new ProgressLine({ write: (t: string) => out.push(t) }, true)
    line.clear()
    line.update('a')
    line.update('b')
    line.clear()
    line.clear()
    expect(out).toEqual(['\r\u001b[2Ka', '\r\u001b[2Kb', '\r\u001b[2K'])
  })

  it('writes nothing when disabled', () => {
    const out: string[] = []
    const line = new ProgressLine({ write: (t: string) => out.push(t) }, false)
    line.update('a')
    line.clear()
    expect(out).toEqual([])
  })
})
