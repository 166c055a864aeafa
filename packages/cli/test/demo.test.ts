import { notInPrivateNamespace } from '@pavillion/test-utils'
import { describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'

describe('pavillion demo', () => {
  it('runs every step, ends with the table, exits 0, and sends only to 127.0.0.1 or the group', async () => {
    const fake = new FakeIo()
    const status = await main(['demo', '--debug'], fake.io)
    expect(fake.stderr.split('\n').filter((l) => !l.startsWith('pavillion:packet') && l !== '')).toEqual([])
    expect(status).toBe(0)
    const lines = fake.lines()
    expect(lines[0]).toBe('Pavillion demo')
    expect(lines).toContainEqual(expect.stringMatching(/^#\s+step\s+what happened\s+time$/))
    expect(lines.at(-1)).toMatch(/^\s+10 steps\s+all passed\s+[\d.]+ m?s$/)
    // Both group members acknowledge; which one's ack arrives first is the kernel's choice.
    expect(fake.stdout).toMatch(
      /delivery report: acknowledged by (alpha|beta) \(127\.0\.0\.1:\d+\), (?!\1)(alpha|beta) \(127\.0\.0\.1:\d+\)/,
    )
    expect(fake.stdout).toMatch(/server:disconnected \(quit\)/)
    // In a private namespace (as in CI) nothing else holds 5353: gamma is advertised and found by name.
    if (notInPrivateNamespace() === undefined) expect(fake.stdout).toMatch(/found \S+ by mDNS/)
    expect(fake.stdout).not.toContain('\u001b[') // not a terminal: no colours

    const destinations = fake.stderr
      .split('\n')
      .map((line) => / out (\S+) /.exec(line)?.[1])
      .filter((d) => d !== undefined)
    expect(destinations.length).toBeGreaterThan(10)
    for (const destination of destinations)
      expect(destination).toMatch(/^(127\.0\.0\.1|239\.255\.28\.12):\d+$/)
  })

  it('uses colours on a terminal', async () => {
    const fake = new FakeIo({ tty: true })
    expect(await main(['demo'], fake.io)).toBe(0)
    expect(fake.stdout).toContain('\u001b[32m✓')
  })
})
