import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nestedNamespaceProblem } from './support/nested-namespace.ts'

const skip = nestedNamespaceProblem(['unshare', 'ip', 'sysctl'])
const script = fileURLToPath(new URL('./support/ipv6-netns.sh', import.meta.url))
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url))

describe.skipIf(skip !== undefined)(
  `mDNS over IPv6${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('a browser on one end of a veth pair sees an advertisement on the other through ff02::fb', async () => {
      // Loopback has no IPv6 multicast, so the script makes a nested namespace whose veth pair exists only there.
      const name = `six-${randomBytes(3).toString('hex')}`
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          'unshare',
          ['--net', '--', 'bash', script, entry, name],
          { timeout: 30_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      )
      const seen = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { instance: string; port: number; addresses: string[] })
      expect(seen.find((s) => s.instance === name)).toMatchObject({ port: 4242, addresses: ['fd00::1'] })
    }, 40_000)
  },
)
