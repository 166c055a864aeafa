import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { freePort } from '@pavillion/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type CodeBlock,
  kindOf,
  offLoopback,
  promisedWords,
  readmeBlocks,
  runNode,
  transpile,
  typecheck,
} from '../src/index.ts'

// Every fenced block of the root README and of every packages/*/README.md, as a user would paste it:
// JavaScript runs as an .mjs file on this Node; TypeScript is type-checked against the built packages
// (resolved through node_modules, as a user's project resolves them) and its tsc output runs the same
// way. The only change made to a program is the port 1783, which becomes a free port on this host so
// that examples and parallel test runs do not collide. Runnable blocks stay on loopback.
const root = join(import.meta.dirname, '..', '..', '..')
const scratch = join(import.meta.dirname, '..', '.scratch')
const RUN_TIMEOUT = 20_000

const blocks = await readmeBlocks(root)
const runnable = blocks.filter((b) => kindOf(b) === 'typescript' || kindOf(b) === 'javascript')
const label = (b: CodeBlock) => `${b.file}:${b.line} (${b.info.join(' ')})`
const fileOf = (b: CodeBlock, ext: string) =>
  join(scratch, `${b.file.replace(/[^a-z0-9]+/gi, '-')}-${b.line}.${ext}`)

let diagnostics = new Map<string, string[]>()
beforeAll(async () => {
  await mkdir(scratch, { recursive: true })
  const sources = runnable.filter((b) => kindOf(b) === 'typescript')
  await Promise.all(sources.map((b) => writeFile(fileOf(b, 'mts'), b.code)))
  diagnostics = typecheck(sources.map((b) => fileOf(b, 'mts')))
}, 120_000)
afterAll(() => rm(scratch, { recursive: true, force: true }))

describe('README code blocks', () => {
  it('every block names its language; runnable ones exist in the root README and the packages', () => {
    expect(blocks.filter((b) => kindOf(b) === 'unlabelled').map(label)).toEqual([])
    expect(runnable.some((b) => b.file === 'README.md')).toBe(true)
    expect(new Set(runnable.map((b) => b.file)).size).toBeGreaterThan(5)
  })

  it.each(blocks.filter((b) => kindOf(b) === 'json').map((b) => [label(b), b] as const))(
    '%s parses',
    (_, b) => {
      expect(() => JSON.parse(b.code)).not.toThrow()
    },
  )

  it.each(runnable.map((b) => [label(b), b] as const))(
    '%s runs',
    async (_, b) => {
      expect(
        offLoopback(b.code),
        'a runnable block stays on loopback (else mark it fragment)',
      ).toBeUndefined()
      const typescript = kindOf(b) === 'typescript'
      if (typescript) {
        const problems = (diagnostics.get(fileOf(b, 'mts')) ?? []).map((d) => relative(scratch, d))
        expect(problems, 'type errors').toEqual([])
      }
      const program = (typescript ? transpile(b.code) : b.code).replace(/\b1783\b/g, String(await freePort()))
      const file = fileOf(b, 'mjs')
      await writeFile(file, program)
      const result = await runNode(file, scratch, RUN_TIMEOUT)
      expect(result.timedOut, `still running after ${RUN_TIMEOUT} ms (is everything closed?)`).toBe(false)
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
      for (const word of promisedWords(b.code)) expect(result.stdout).toContain(word)
    },
    RUN_TIMEOUT + 10_000,
  )
})
