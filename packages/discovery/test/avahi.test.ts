import { execFile, execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { notInPrivateNamespace } from '@pavillion/transport-node/testing'
import { describe, expect, it } from 'vitest'

const TOOLS = ['avahi-daemon', 'avahi-browse', 'dbus-daemon', 'unshare', 'ip', 'sysctl']

/** Why avahi cannot run here, or undefined. */
function avahiUnavailable(): string | undefined {
  const namespace = notInPrivateNamespace()
  if (namespace !== undefined) return namespace
  const missing = TOOLS.filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' })
      return false
    } catch {
      return true
    }
  })
  if (missing.length > 0)
    return `${missing.join(', ')} not installed (apt-get install -y avahi-daemon avahi-utils)`
  if (process.getuid?.() !== 0) return 'a nested network namespace for avahi needs root'
  try {
    execFileSync('avahi-daemon', ['--check'], { stdio: 'ignore' })
    return 'an avahi-daemon already runs on this host, and a second one cannot share its pid file'
  } catch {
    // Not running: ours may start.
  }
  return undefined
}

const skip = avahiUnavailable()
const script = fileURLToPath(new URL('./support/avahi-netns.sh', import.meta.url))
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url))

describe.skipIf(skip !== undefined)(
  `interoperability with avahi${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('avahi-browse -rpt _pavillion._udp resolves our advertisement (port, address, TXT)', async () => {
      const name = `avahi-${randomBytes(3).toString('hex')}`
      // avahi never uses loopback, so the script makes a nested namespace with a veth pair that exists
      // only inside it, a private D-Bus bus and its own avahi-daemon; nothing leaves the machine.
      const output = await new Promise<string>((resolve, reject) =>
        execFile(
          'unshare',
          ['--net', '--', 'bash', script, entry, name, '45678'],
          { timeout: 50_000 },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      )
      const resolved = output.split('\n').find((line) => line.startsWith('=') && line.includes(`;${name};`))
      expect(resolved).toBeDefined()
      const fields = (resolved ?? '').split(';')
      expect(fields.slice(2, 6)).toEqual(['IPv4', name, '_pavillion._udp', 'local'])
      expect(fields.slice(7, 9)).toEqual(['10.213.0.1', '45678'])
      expect(fields[9]).toContain('"suites=ecc"')
      expect(fields[9]).toContain(`"fp=${'ab'.repeat(16)}"`)
      expect(fields[9]).toContain('"v=1"')
    }, 60_000)
  },
)
