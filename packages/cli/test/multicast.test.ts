import { freePort, GROUP } from '@pavillion/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../src/main.ts'
import { FakeIo } from './support/fake-io.ts'
import { type RunningServer, startServe } from './support/serve.ts'

// Servers join 239.255.28.12 on the interface 127.0.0.1; the client sends through 127.0.0.1.
const ID = 'cli-group-client'
const servers: RunningServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()))
})

describe('a multicast group of two `pavillion serve` on the loopback interface', () => {
  it('call --all prints one result per server; pub names both in the report', async () => {
    const psk = 'a1'.repeat(32)
    const port = await freePort()
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startServe([
          '--port',
          String(port),
          '--multicast',
          GROUP,
          '--interface',
          '127.0.0.1',
          '--psk-client',
          `${ID}=${psk}`,
        ]),
      )
    }
    expect(servers.map((s) => s.port)).toEqual([port, port])
    const flags = ['--interface', '127.0.0.1', '--bind', '127.0.0.1', '--client-id', ID, '--psk', psk]

    const all = new FakeIo()
    expect(
      await main(
        ['call', `${GROUP}:${port}`, '0', 'both', '--all', '--json', '--timeout', '500', ...flags],
        all.io,
      ),
    ).toBe(0)
    const results = all.records()
    expect(results).toHaveLength(2)
    expect(results.map((r) => (r.result as { text: string }).text)).toEqual(['both', 'both'])
    expect(new Set(results.map((r) => r.server)).size).toBe(2)

    const pub = new FakeIo()
    expect(
      await main(
        ['pub', `${GROUP}:${port}`, 'scene', 'evening', '--json', '--expect', 'all', ...flags],
        pub.io,
      ),
    ).toBe(0)
    expect(pub.records()[0]).toMatchObject({ outcome: 'acknowledged', missing: [] })
    expect(pub.records()[0]?.acked).toHaveLength(2)
  })
})
