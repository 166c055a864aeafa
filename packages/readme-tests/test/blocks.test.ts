import { describe, expect, it } from 'vitest'
import {
  extractBlocks,
  fragmentReason,
  kindOf,
  offLoopback,
  promisedWords,
  shellCommands,
} from '../src/index.ts'

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
    expect(blocks.map(kindOf)).toEqual(['typescript', 'fragment', 'shell', 'unlabelled', 'json'])
    expect(kindOf({ file: 'R.md', line: 1, info: ['text'], code: '' })).toBe('other')
    expect(
      fragmentReason({ file: 'R.md', line: 1, info: ['sh', 'fragment', 'needs', 'a', 'LAN'], code: '' }),
    ).toBe('needs a LAN')
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

describe('shellCommands', () => {
  it('reads one command per line, joins continuations, drops comments, and keeps servers running', () => {
    const code = [
      'pavillion keygen psk > kitchen.psk   # 64 hex characters',
      '',
      '# a comment line',
      'pavillion serve --bind 127.0.0.1 \\',
      '  --echo 401',
      'pavillion sub 127.0.0.1:1783 lights &',
      'pavillion call 127.0.0.1:1783 401 hi && echo done',
    ].join('\n')
    expect(shellCommands(code)).toEqual([
      { text: 'pavillion keygen psk > kitchen.psk', background: false },
      { text: 'pavillion serve --bind 127.0.0.1    --echo 401', background: true },
      { text: 'pavillion sub 127.0.0.1:1783 lights', background: true },
      { text: 'pavillion call 127.0.0.1:1783 401 hi && echo done', background: false },
    ])
  })
})
