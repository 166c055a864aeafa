import { describe, expect, it } from 'vitest'
import { extractBlocks, kindOf, offLoopback, promisedWords } from '../src/index.ts'

describe('extractBlocks', () => {
  it('finds fences with their info words and lines, and knows what to do with each', () => {
    const text = [
      '# Title',
      '```ts',
      'const a = 1',
      '```',
      'Some `inline` code and ```a span``` here.',
      '````js fragment',
      '```',
      'still inside',
      '````',
      '~~~sh',
      'ls',
      '~~~',
      '```',
      'no language',
      '```',
      '```json',
      '{}',
    ].join('\n')
    const blocks = extractBlocks('R.md', text)
    expect(blocks.map((b) => [b.line, b.info, b.code])).toEqual([
      [2, ['ts'], 'const a = 1\n'],
      [6, ['js', 'fragment'], '```\nstill inside\n'],
      [10, ['sh'], 'ls\n'],
      [13, [], 'no language\n'],
      [16, ['json'], '{}\n'],
    ])
    expect(blocks.map(kindOf)).toEqual(['typescript', 'fragment', 'other', 'unlabelled', 'json'])
  })
})

describe('promisedWords and offLoopback', () => {
  it("reads a console.log line's comment as the words it promises", () => {
    expect(promisedWords("console.log(x) // acknowledged [ '127.0.0.1:…' ]\nfoo() // not a promise")).toEqual(
      ['acknowledged', '127.0.0.1:'],
    )
  })

  it('lets loopback, the wildcard and the test group through 127.0.0.1 pass, and names anything else', () => {
    expect(offLoopback("bind: '127.0.0.1', host: '0.0.0.0'")).toBeUndefined()
    expect(offLoopback("group: '239.255.28.12', interface: '127.0.0.1'")).toBeUndefined()
    expect(offLoopback("group: '239.255.28.12', interface: '192.168.1.10'")).toBe('it names 239.255.28.12')
    expect(offLoopback("address: '10.0.0.7:1783'")).toBe('it names 10.0.0.7')
  })
})
