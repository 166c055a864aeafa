import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type CodeBlock, extractBlocks } from './blocks.ts'

/**
 * Every fenced block of the repository at `root`: its `README.md`, then each
 * package README (`packages/NAME/README.md`) in name order (`file` is relative to `root`).
 */
export async function readmeBlocks(root: string): Promise<CodeBlock[]> {
  const packages = await readdir(join(root, 'packages'))
  const readmes = ['README.md', ...packages.sort().map((name) => join('packages', name, 'README.md'))]
  const blocks: CodeBlock[] = []
  for (const file of readmes) {
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined)
    if (text !== undefined) blocks.push(...extractBlocks(file, text))
  }
  return blocks
}
