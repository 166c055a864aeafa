import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { format } from 'node:util'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { freePort } from './support/loopback.ts'

// Runs every ```ts block of the README that follows a `<!-- test -->` comment, as a module:
// `pavillion` imports point at the sources, and the port 1783 becomes a free port on this host
// (the examples bind 127.0.0.1 or send through the interface 127.0.0.1). A `console.log(…) // text`
// line promises output: every word of `text` must appear in what the example printed.
const here = import.meta.dirname
const readme = await readFile(join(here, '..', 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/<!-- test -->\s*```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
const scratch = join(here, 'readme-examples')

afterAll(() => rm(scratch, { recursive: true, force: true }))

/** The words the `// comments` of an example's console.log lines promise. */
function promisedWords(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\/\/ (.+)$/gm)].flatMap((m) =>
    (m[1] ?? '').split(/[\s[\]',…]+/).filter((word) => word !== ''),
  )
}

function rewrite(code: string, port: number): string {
  return code
    .replace(/from 'pavillion'/g, "from '../../src/index.ts'")
    .replace(/from 'pavillion\/([a-z-]+)'/g, "from '../../src/layers/$1.ts'")
    .replace(/\b1783\b/g, String(port))
}

describe('README examples', () => {
  it('has runnable examples, the first being the @packageDocumentation example of src/index.ts', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3)
    const index = await readFile(join(here, '..', 'src', 'index.ts'), 'utf8')
    const documented = /@example\n \* ```ts\n([\s\S]*?) \* ```/.exec(index)?.[1]
    expect(documented?.replace(/^ \* ?/gm, '')).toBe(blocks[0])
  })

  it.each(blocks.map((code, i) => [i + 1, code] as const))('example %i runs', async (n, code) => {
    await mkdir(scratch, { recursive: true })
    const file = join(scratch, `example-${n}.ts`)
    await writeFile(file, rewrite(code, await freePort()))
    const printed: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(format(...args))
    })
    try {
      await import(pathToFileURL(file).href)
    } finally {
      log.mockRestore()
    }
    expect(printed.length).toBeGreaterThan(0)
    const output = printed.join('\n')
    for (const word of promisedWords(code)) expect(output).toContain(word)
  })
})
