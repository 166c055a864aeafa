import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain .mjs script without types
import { checkLayers } from '../../../scripts/check-layers.mjs'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

/** A throwaway repository with one source file per entry. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

describe('the layering check run by pnpm lint', () => {
  it('fails when @pavillion/wire imports node:dgram', () => {
    const root = tree({
      'packages/wire/src/index.ts': "import dgram from 'node:dgram'\nexport const x = dgram\n",
    })
    expect(checkLayers(root)).toEqual([
      expect.stringContaining("imports 'node:dgram', which the wire layer may not use"),
    ])
  })

  it('fails when core reads the clock or schedules a timer', () => {
    const root = tree({
      'packages/core/src/clock.ts': 'export const now = () => Date.now()\nsetTimeout(() => {}, 1)\n',
    })
    const problems: string[] = checkLayers(root)
    expect(problems).toHaveLength(2)
    expect(problems.join('\n')).toMatch(/Date\.now/)
  })

  it('fails when rpc imports pubsub, and passes an allowed import', () => {
    const root = tree({
      'packages/rpc/src/index.ts':
        "import { x } from '@pavillion/pubsub'\nimport { y } from '@pavillion/core'\n",
    })
    expect(checkLayers(root)).toEqual([expect.stringContaining("imports '@pavillion/pubsub'")])
  })

  it('passes the repository itself', () => {
    expect(checkLayers(join(import.meta.dirname, '..', '..', '..'))).toEqual([])
  })
})
