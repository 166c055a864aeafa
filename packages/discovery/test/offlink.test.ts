import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nestedNamespaceProblem } from './support/nested-namespace.ts'

const skip = nestedNamespaceProblem()
const script = fileURLToPath(new URL('./support/offlink-netns.sh', import.meta.url))
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url))

interface Seen {
  servers: string[]
  browserOffLink: number
  advertiserOffLink: number
  offReplies: number
  onReplies: number
}

describe.skipIf(skip !== undefined)(
  `packets from off the link (RFC 6762 §11)${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('a response or query whose source is on no subnet of the interface is dropped; one from the subnet is read', async () => {
      // The second address lives in a nested namespace, so the test's own namespace keeps loopback only.
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          'unshare',
          ['--net', '--', 'bash', script, entry],
          { timeout: 30_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      )
      const line = output.split('\n').find((l) => l.startsWith('{'))
      const seen = JSON.parse(line ?? '{}') as Seen
      expect(seen.servers).toContain('on-link')
      expect(seen.servers).not.toContain('off-link')
      expect(seen.browserOffLink).toBeGreaterThan(0)
      expect(seen.advertiserOffLink).toBeGreaterThan(0)
      expect(seen.onReplies).toBeGreaterThan(0)
      expect(seen.offReplies).toBe(0)
    }, 40_000)
  },
)
