import { randomBytes } from 'node:crypto'
import { notInPrivateNamespace } from '@pavillion/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo, waitUntil } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

const skip = notInPrivateNamespace()
const ID = 'cli-discovery-01'
const PSK = 'd1'.repeat(32)
const servers: RunningServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

describe.skipIf(skip !== undefined)(
  `pavillion discover and names in place of addresses${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('serve --advertise, discover --json lists both, and call and pub reach a server by name (sub takes the same path)', async () => {
      const names = ['a', 'b'].map((s) => `cli-${s}-${randomBytes(3).toString('hex')}`)
      for (const [i, name] of names.entries()) {
        const server = await startServe([
          '--bind',
          `127.0.0.${11 + i}`,
          '--port',
          '0',
          '--advertise',
          name,
          '--interface',
          '127.0.0.1',
          '--psk-client',
          `${ID}=${PSK}`,
          '--echo',
          '401',
        ])
        servers.push(server)
        expect(await waitUntil(() => server.fake.records().some((r) => r.event === 'advertised'), 5000)).toBe(
          true,
        )
      }
      const list = new FakeIo()
      expect(await main(['discover', '--interface', '127.0.0.1', '--timeout', '2', '--json'], list.io)).toBe(
        0,
      )
      const found = list.records().filter((r) => names.includes(r.instance as string))
      expect(found.map((r) => [r.instance, r.addresses, r.port, r.suites])).toEqual(
        names.map((name, i) => [name, [`127.0.0.${11 + i}`], servers[i]?.port, ['psk']]),
      )

      const flags = ['--interface', '127.0.0.1', '--client-id', ID, '--psk', PSK]
      const call = new FakeIo()
      expect(await main(['call', names[1] ?? '', '401', 'hello', ...flags], call.io)).toBe(0)
      expect(call.stdout.trim()).toBe('hello')

      const pub = new FakeIo()
      expect(await main(['pub', names[0] ?? '', 'lights', 'kitchen', 'on', ...flags], pub.io)).toBe(0)
      expect(pub.stdout).toContain('acknowledged')
    })

    it('refuses a name without --interface, and discover without one (exit 2)', async () => {
      const none = new FakeIo()
      expect(await main(['call', 'nobody-here', '0', '--client-id', ID, '--psk', PSK], none.io)).toBe(2)
      expect(none.stderr).toContain('--interface')
      const missing = new FakeIo()
      expect(await main(['discover'], missing.io)).toBe(2)
    })
  },
)
