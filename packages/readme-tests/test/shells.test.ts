import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { freePort } from '@pavillion/test-utils'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type CodeBlock,
  fragmentReason,
  kindOf,
  offLoopback,
  readmeBlocks,
  type ShellCommand,
  ShellSession,
  shellCommands,
} from '../src/index.ts'

// Every `sh` block of every README runs as a user would paste it into a terminal: the blocks of one
// README are one session (one directory, in order, background jobs staying up until its last block),
// with the built CLI first on the PATH (node_modules/.bin of this package) and the port 1783 made a
// free port of this host (also for a `serve` that names no port: 1783 is its default). CI runs this inside its private network namespace; the commands send only
// to 127.0.0.1 (offLoopback). A block that cannot run here says `sh fragment <why>`.
const root = join(import.meta.dirname, '..', '..', '..')
const scratch = join(import.meta.dirname, '..', '.scratch-sh')
const bin = join(import.meta.dirname, '..', 'node_modules', '.bin')
/** A command may take this long (generous: the CLI starts in well under a second). */
const COMMAND_TIMEOUT = 20_000

/**
 * The root README's quick start, shown and never run here: CI installs the workspace itself before
 * any test runs (re-installing from a test would rewrite node_modules under the other tests), the
 * demo runs in @pavillion/cli's demo test, and `pnpm test` is the suite this test is part of.
 */
const NOT_RUN = new Set(['npm install -g pnpm@12.4.2 && pnpm install && pnpm demo\n', 'pnpm test\n'])

const blocks = await readmeBlocks(root)
const shell = blocks.filter((b) => kindOf(b) === 'shell')
const quickStart = shell.filter((b) => b.file === 'README.md' && NOT_RUN.has(b.code))
const sessions = new Map<string, CodeBlock[]>()
for (const block of shell) {
  if (quickStart.includes(block)) continue
  sessions.set(block.file, [...(sessions.get(block.file) ?? []), block])
}
const label = (b: CodeBlock) => `${b.file}:${b.line}`
/** A `serve` without `--port` listens on 1783, its default: it gets the session's port instead. */
const onPort = (command: ShellCommand, port: string): ShellCommand =>
  /^pavillion\s+serve\b/.test(command.text) && !/\s--port\b/.test(command.text)
    ? { ...command, text: `${command.text} --port ${port}` }
    : command

afterAll(() => rm(scratch, { recursive: true, force: true }))

describe('README shell blocks', () => {
  it('run, except the root quick start; every sh fragment says why it cannot run', () => {
    expect(quickStart.map((b) => b.code)).toEqual([...NOT_RUN])
    const fragments = blocks.filter((b) => b.info[0] === 'sh' && kindOf(b) === 'fragment')
    expect(fragments.filter((b) => fragmentReason(b) === '').map(label)).toEqual([])
    expect(sessions.size).toBeGreaterThan(1)
  })

  it.each([...sessions].map(([file, list]) => [file, list] as const))(
    '%s: its sh blocks run as one terminal session',
    async (file, list) => {
      const cwd = join(scratch, file.replace(/[^a-z0-9]+/gi, '-'))
      await mkdir(cwd, { recursive: true })
      const port = String(await freePort())
      const session = new ShellSession(cwd, bin, COMMAND_TIMEOUT)
      const failures: string[] = []
      try {
        for (const block of list) {
          expect(
            offLoopback(block.code),
            `${label(block)} stays on loopback (else mark it fragment)`,
          ).toBeUndefined()
          for (const command of shellCommands(block.code.replace(/\b1783\b/g, port))) {
            const why = await session.run(onPort(command, port))
            if (why !== undefined) failures.push(`${label(block)}: ${command.text}: ${why}`)
          }
          if (failures.length > 0) break
        }
      } finally {
        failures.push(...(await session.stop()))
      }
      expect(failures).toEqual([])
    },
    240_000,
  )
})
