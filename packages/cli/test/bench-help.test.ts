import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bench } from '../src/commands/bench.ts'
import { HELP } from '../src/help/texts.ts'
import { COMMANDS, main } from '../src/main.ts'
import { UsageError } from '../src/usage-error.ts'
import { FakeIo } from './support/fake-io.ts'

const dir = await mkdtemp(join(tmpdir(), 'pavillion-cli-bench-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('bench', () => {
  it('outside a checkout, says how to run the benchmarks (status 2)', async () => {
    const fake = new FakeIo()
    await expect(bench([], fake.io, join(dir, 'missing.js'))).rejects.toThrow(UsageError)
    await expect(bench([], fake.io, join(dir, 'missing.js'))).rejects.toThrow(/pnpm bench/)
  })

  it('runs the runner with --expose-gc and the arguments, and passes its exit status on', async () => {
    const runner = join(dir, 'runner.mjs')
    await writeFile(
      runner,
      "process.exit(typeof globalThis.gc === 'function' && process.argv[2] === 'quick' ? 7 : 1)\n",
    )
    expect(await bench(['quick'], new FakeIo().io, runner)).toBe(7)
  })
})

describe('help', () => {
  it('every command has a help text, printed by --help, -h and `help COMMAND` with status 0', async () => {
    for (const name of Object.keys(COMMANDS).filter((n) => n !== 'help')) {
      expect(Object.hasOwn(HELP, name), name).toBe(true)
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
      ]) {
        const fake = new FakeIo()
        expect(await main(argv, fake.io), argv.join(' ')).toBe(0)
        expect(fake.stdout).toBe(`${HELP[name as keyof typeof HELP]}\n`)
      }
    }
    const top = new FakeIo()
    expect(await main([], top.io)).toBe(0)
    expect(top.stdout).toBe(`${HELP.pavillion}\n`)
    const unknown = new FakeIo()
    expect(await main(['help', 'frob'], unknown.io)).toBe(2)
  })

  it('the README lists every command with its help text', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8')
    for (const [name, text] of Object.entries(HELP)) expect(readme, name).toContain(text)
  })

  it('the README example is the @packageDocumentation example of src/index.ts', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8')
    const index = await readFile(join(import.meta.dirname, '..', 'src', 'index.ts'), 'utf8')
    const documented = /@example\n \* ```sh\n([\s\S]*?) \* ```/.exec(index)?.[1]?.replace(/^ \* ?/gm, '')
    expect(readme).toContain(`## Example\n\n\`\`\`sh\n${documented}\`\`\``)
  })
})
