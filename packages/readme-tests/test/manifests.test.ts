import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// Every published package (every packages/*/package.json without "private": true) is ready for npm:
// a LICENSE identical to the root one, shipped in `files`; the same repository as the root manifest,
// with its own directory, homepage and bugs; keywords; no sources in the tarball and no internal
// `@pavillion/source` condition in the published exports; peer ranges changesets cannot turn into a
// major bump while 0.x.
const root = join(import.meta.dirname, '..', '..', '..')
type Manifest = Record<string, unknown> & {
  name: string
  version: string
  private?: boolean
  files?: string[]
  exports?: Record<string, unknown>
  publishConfig?: { access?: string; exports?: Record<string, unknown> }
  repository?: { type?: string; url?: string; directory?: string }
  peerDependencies?: Record<string, string>
}
const json = async <T>(path: string): Promise<T> => JSON.parse(await readFile(join(root, path), 'utf8')) as T

const rootManifest = await json<Manifest>('package.json')
const repository = rootManifest.repository?.url ?? ''
const web = repository.replace(/^git\+/, '').replace(/\.git$/, '')
const license = await readFile(join(root, 'LICENSE'), 'utf8')
const dirs = (await readdir(join(root, 'packages'))).sort()
const published: [string, Manifest][] = []
for (const dir of dirs) {
  const manifest = await json<Manifest>(join('packages', dir, 'package.json')).catch(() => undefined)
  if (manifest !== undefined && manifest.private !== true) published.push([dir, manifest])
}

/** `exports` as published: every condition but the workspace's own source condition. */
function withoutSource(exports: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(exports).map(([path, target]) => [
      path,
      typeof target === 'object' && target !== null
        ? Object.fromEntries(
            Object.entries(target).filter(([condition]) => condition !== '@pavillion/source'),
          )
        : target,
    ]),
  )
}

describe('published manifests', () => {
  it('the root names the repository and the MIT licence', () => {
    expect(repository).toMatch(/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/)
    expect(rootManifest.license).toBe('MIT')
    expect(license).toMatch(/^MIT License\n/)
    expect(published.map(([dir]) => dir)).toEqual(expect.arrayContaining(['core', 'pavillion', 'cli']))
  })

  it.each(published)('%s: LICENSE, repository, homepage, bugs, keywords', async (dir, manifest) => {
    expect(await readFile(join(root, 'packages', dir, 'LICENSE'), 'utf8')).toBe(license)
    expect(manifest.license).toBe('MIT')
    expect(manifest.repository).toEqual({ type: 'git', url: repository, directory: `packages/${dir}` })
    expect(manifest.homepage).toBe(`${web}/tree/main/packages/${dir}#readme`)
    expect(manifest.bugs).toEqual({ url: `${web}/issues` })
    expect(manifest.keywords).toEqual(expect.arrayContaining(['pavillion']))
    expect(typeof manifest.description).toBe('string')
  })

  it.each(published)(
    '%s: the tarball holds dist and LICENSE, no sources, no internal condition',
    (_, manifest) => {
      expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'LICENSE']))
      expect(manifest.files).not.toContain('src')
      expect(manifest.publishConfig?.access).toBe('public')
      if (manifest.exports !== undefined) {
        expect(manifest.publishConfig?.exports).toEqual(withoutSource(manifest.exports))
        expect(JSON.stringify(manifest.publishConfig?.exports)).not.toContain('@pavillion/source')
      }
    },
  )

  it.each(published)('%s: peer ranges on workspace packages span the whole 0.x line', (_, manifest) => {
    // Changesets bumps a dependent to a major when a release leaves its peer range: with ^0.1.0 the
    // first minor of core would publish rpc and pubsub as 1.0.0. While 0.x, peers accept any 0.x.
    for (const [name, range] of Object.entries(manifest.peerDependencies ?? {}))
      if (name.startsWith('@pavillion/')) expect(range, name).toBe('workspace:>=0.1.0 <1.0.0')
  })

  it('changesets reads the peer option (its key is spelled as @changesets/config expects)', async () => {
    const config =
      await json<Record<string, { onlyUpdatePeerDependentsWhenOutOfRange?: boolean }>>(
        '.changeset/config.json',
      )
    expect(
      config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?.onlyUpdatePeerDependentsWhenOutOfRange,
    ).toBe(true)
  })
})
