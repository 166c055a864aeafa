import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

// `changeset version` for real, in a scratch copy of the manifests and the changesets config with one
// changeset: a minor of @pavillion/core. While 0.x nothing may reach 1.0.0 — with peer ranges of ^0.1.0
// (or the option misspelt) changesets publishes rpc and pubsub as 1.0.0.
const root = join(import.meta.dirname, '..', '..', '..')
const scratch = await mkdtemp(join(tmpdir(), 'pavillion-release-plan-'))
afterAll(() => rm(scratch, { recursive: true, force: true }))

async function versions(dir: string): Promise<Map<string, { version: string; private: boolean }>> {
  const out = new Map<string, { version: string; private: boolean }>()
  for (const name of await readdir(join(dir, 'packages'))) {
    const text = await readFile(join(dir, 'packages', name, 'package.json'), 'utf8').catch(() => undefined)
    if (text === undefined) continue
    const manifest = JSON.parse(text) as { name: string; version: string; private?: boolean }
    out.set(manifest.name, { version: manifest.version, private: manifest.private === true })
  }
  return out
}

describe('changesets while 0.x', () => {
  it('a minor of core bumps rpc and pubsub at most by a minor, and nothing reaches 1.0.0', async () => {
    for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'])
      await cp(join(root, file), join(scratch, file), { recursive: true })
    for (const name of await readdir(join(root, 'packages'))) {
      const manifest = join(root, 'packages', name, 'package.json')
      if ((await readFile(manifest).catch(() => undefined)) === undefined) continue
      await mkdir(join(scratch, 'packages', name), { recursive: true })
      await cp(manifest, join(scratch, 'packages', name, 'package.json'))
    }
    await writeFile(
      join(scratch, '.changeset', 'core-minor.md'),
      '---\n"@pavillion/core": minor\n---\n\nA minor.\n',
    )
    await symlink(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir')
    const before = await versions(scratch)
    await promisify(execFile)(
      process.execPath,
      [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'],
      {
        cwd: scratch,
        env: { ...process.env, CI: 'true' },
      },
    )
    const after = await versions(scratch)
    const bumped = [...after]
      .filter(([, { private: p }]) => !p)
      .map(([name, { version }]) => `${name}@${version}`)
    expect(after.get('@pavillion/core')?.version, bumped.join(' ')).toBe('0.2.0')
    for (const [name, { version }] of after) {
      expect(Number(version.split('.')[0]), `${name}@${version}`).toBe(0)
      const [, minorBefore] = (before.get(name)?.version ?? '').split('.').map(Number)
      const [, minorAfter] = version.split('.').map(Number)
      expect((minorAfter ?? 0) - (minorBefore ?? 0), `${name}@${version}`).toBeLessThanOrEqual(1)
    }
  }, 60_000)
})
