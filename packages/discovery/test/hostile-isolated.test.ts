import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { nestedNamespaceProblem } from './support/nested-namespace.ts'

// hostile.test.ts multicasts thousands of fake Pavillion records. Run where other tests browse, it
// fills their tables; so it runs here, in a network namespace nested in the test's own, in a vitest
// of its own, and this test reports its verdict.

const skip = nestedNamespaceProblem()
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const setup = 'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1'

describe.skipIf(skip !== undefined)(
  `hostile mDNS input, isolated${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('every test of hostile.test.ts passes in a namespace of its own', async () => {
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(
          'unshare',
          ['--net', '--', 'bash', '-c', `${setup} && exec pnpm exec vitest run test/hostile.test.ts`],
          {
            cwd: packageDir,
            env: { ...process.env, PAVILLION_MDNS_ISOLATED: '1', NO_COLOR: '1' },
            timeout: 120_000,
          },
          (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: `${stdout}${stderr}` }),
        )
      })
      expect(code, output).toBe(0)
      expect(output).toMatch(/Tests\s+3 passed \(3\)/)
    }, 150_000)
  },
)
