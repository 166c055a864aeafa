import { eventually, notInPrivateNamespace } from '@pavillion/transport-node/testing'
import { describe, expect, it } from 'vitest'
import { advertise, browse, type DiscoveredServer, discover, type ServiceInfo } from '../src/index.ts'
import { type MdnsLinks, openLinks } from '../src/mdns-links.ts'

const skip = notInPrivateNamespace()
const LO = ['127.0.0.1']
const info = (name: string): ServiceInfo => ({ name, suites: ['psk'], version: '1' })

describe.skipIf(skip !== undefined)(
  `mDNS on loopback${skip === undefined ? '' : ` (skipped: ${skip})`}`,
  () => {
    it('lists three servers on 127.0.0.x within 2 s', async () => {
      const tag = Math.random().toString(16).slice(2, 8)
      const ads = await Promise.all(
        [2, 3, 4].map((n) =>
          advertise({
            interfaces: LO,
            name: `lb-${tag}-${n}`,
            port: 40_000 + n,
            addresses: [`127.0.0.${n}`],
            info: info(`Server ${n}`),
          }),
        ),
      )
      try {
        await eventually(() => (ads.every((a) => a.announced) ? true : undefined), 5_000, 'announcements')
        const started = performance.now()
        const seen = new Map<string, DiscoveredServer>()
        for await (const { type, server } of discover({ interfaces: LO, timeoutMs: 20_000 })) {
          if (type === 'up' && server.instance.startsWith(`lb-${tag}-`)) seen.set(server.instance, server)
          if (seen.size === 3) break
        }
        expect(performance.now() - started).toBeLessThan(20_000)
        expect([...seen.values()].map((s) => [s.instance, s.addresses, s.port, s.name]).sort()).toEqual([
          [`lb-${tag}-2`, ['127.0.0.2'], 40_002, 'Server 2'],
          [`lb-${tag}-3`, ['127.0.0.3'], 40_003, 'Server 3'],
          [`lb-${tag}-4`, ['127.0.0.4'], 40_004, 'Server 4'],
        ])
      } finally {
        await Promise.all(ads.map((a) => a.close()))
      }
    })

    it('says goodbye on close, and re-announces a new port as a change', async () => {
      const name = `gb-${Math.random().toString(16).slice(2, 8)}`
      await using browser = await browse({ interfaces: LO })
      const events: string[] = []
      browser.on('up', ({ server }) => server.instance === name && events.push(`up ${server.port}`))
      browser.on('changed', ({ server }) => server.instance === name && events.push(`changed ${server.port}`))
      browser.on('down', ({ server }) => server.instance === name && events.push(`down ${server.port}`))
      const ad = await advertise({
        interfaces: LO,
        name,
        port: 41_000,
        addresses: ['127.0.0.5'],
        info: info(name),
      })
      await eventually(() => (events.length === 1 ? true : undefined), 5_000, 'up')
      ad.update({ port: 41_001 })
      await eventually(() => (events.length === 2 ? true : undefined), 5_000, 'changed')
      await ad.close()
      await eventually(() => (events.length === 3 ? true : undefined), 5_000, 'down')
      expect(events).toEqual(['up 41000', 'changed 41001', 'down 41001'])
    })

    it('renames the second of two servers that want one name (RFC 6762 §9)', async () => {
      const name = `cf-${Math.random().toString(16).slice(2, 8)}`
      await using first = await advertise({
        interfaces: LO,
        name,
        port: 42_000,
        addresses: ['127.0.0.6'],
        info: info(name),
      })
      await eventually(() => (first.announced ? true : undefined), 5_000, 'first announced')
      await using second = await advertise({
        interfaces: LO,
        name,
        port: 42_001,
        addresses: ['127.0.0.7'],
        info: info(name),
      })
      await eventually(() => (second.announced ? true : undefined), 5_000, 'second announced')
      expect(first.name).toBe(name)
      expect(second.name).toBe(`${name} (2)`)
      await using browser = await browse({ interfaces: LO })
      const both = await eventually(
        () => {
          const mine = browser.servers().filter((s) => s.instance.startsWith(name))
          return mine.length === 2 ? mine : undefined
        },
        5_000,
        'both listed',
      )
      expect(both.map((s) => [s.instance, s.port]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
        [name, 42_000],
        [`${name} (2)`, 42_001],
      ])
    })

    it('re-announces when its polled addresses change (a DHCP move)', async () => {
      const name = `ad-${Math.random().toString(16).slice(2, 8)}`
      let addresses = ['127.0.0.20']
      await using browser = await browse({ interfaces: LO })
      await using ad = await advertise({
        interfaces: LO,
        name,
        port: 44_000,
        addresses: () => addresses,
        pollInterval: 100,
        info: info(name),
      })
      await eventually(() => browser.servers().find((s) => s.instance === name), 5_000, 'up')
      addresses = ['127.0.0.21']
      const moved = await eventually(
        () => browser.servers().find((s) => s.instance === name && s.addresses.includes('127.0.0.21')),
        5_000,
        'the new address',
      )
      expect(moved.port).toBe(44_000)
      expect(ad.announced).toBe(true)
    })

    it('the mDNS links close idempotently, and `await using` closes them', async () => {
      let links: MdnsLinks | undefined
      {
        await using opened = await openLinks({ interfaces: LO })
        links = opened
      }
      // Closed: a second close() and the disposer resolve (the same settled promise).
      await expect(links.close()).resolves.toBeUndefined()
      await expect(links[Symbol.asyncDispose]()).resolves.toBeUndefined()
      const again = await openLinks({ interfaces: LO })
      await Promise.all([again.close(), again.close(), again[Symbol.asyncDispose]()])
    })
  },
)
