import { setTimeout as sleep } from 'node:timers/promises'
import { InvalidArgumentError } from '@pavillion/core'
import { createSeededRandom, type Impairment, MemoryNetwork } from '@pavillion/core/testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  decide,
  flipRandomBit,
  type ImpairmentProxy,
  type ImpairmentProxyOptions,
  startImpairmentProxy,
} from '../src/index.ts'
import { bitDistance, indexOf, numbered, openSocket, type TestSocket, waitUntil } from './support/udp.ts'

const closables: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(closables.splice(0).map((c) => c.close()))
})

async function socket(options: { echo?: boolean; address?: string } = {}): Promise<TestSocket> {
  const s = await openSocket(options)
  closables.push(s)
  return s
}

async function proxyTo(target: TestSocket, options: Omit<ImpairmentProxyOptions, 'target'> = {}) {
  const proxy = await startImpairmentProxy({ target: target.address, ...options })
  closables.push(proxy)
  return proxy
}

/**
 * Sends `count` numbered datagrams from `client` through `proxy`, 50 at a
 * time (a burst larger than a socket buffer would be lost by the kernel, not
 * the proxy), waiting for the target to see each batch.
 */
async function pump(client: TestSocket, proxy: ImpairmentProxy, target: TestSocket, count: number) {
  const start = { received: proxy.stats.toTarget.received, arrived: target.received.length }
  const forwardedAtStart = proxy.stats.toTarget.forwarded
  for (let i = 0; i < count; i += 50) {
    for (let j = i; j < Math.min(count, i + 50); j++) client.send(proxy.address, numbered(j))
    const arrived = await waitUntil(
      () =>
        proxy.stats.toTarget.received - start.received === Math.min(count, i + 50) &&
        proxy.stats.held === 0 &&
        target.received.length - start.arrived === proxy.stats.toTarget.forwarded - forwardedAtStart,
    )
    expect(arrived, `batch at ${i} did not get through`).toBe(true)
  }
}

describe('decision rule', () => {
  it('draws like MemoryNetwork: the same seed gives the same losses, copies, bit flips and holdbacks', () => {
    const impairment: Impairment = {
      loss: 0.1,
      duplicate: 0.1,
      corrupt: 0.1,
      reorder: 0.2,
      burst: { pGoodToBad: 0.05, pBadToGood: 0.5 },
    }
    const net = new MemoryNetwork({ seed: 99 })
    const a = net.createTransport()
    const b = net.createTransport()
    b.onDatagram(() => {})
    net.impair({ from: a.localAddress() }, impairment)
    const random = createSeededRandom(99)
    const state = { bad: false }
    const ours = { dropped: 0, duplicated: 0, corrupted: 0, reordered: 0 }
    for (let i = 0; i < 2000; i++) {
      a.send(b.localAddress(), numbered(i))
      const fate = decide(impairment, random, state)
      if (fate.dropped) {
        ours.dropped++
        continue
      }
      if (fate.corrupted) {
        ours.corrupted++
        flipRandomBit(numbered(i), random)
      }
      if (fate.holdback > 0) ours.reordered++
      if (fate.duplicated) ours.duplicated++
    }
    const { dropped, duplicated, corrupted, reordered } = net.stats
    expect(ours).toEqual({ dropped, duplicated, corrupted, reordered })
    expect(dropped).toBeGreaterThan(0)
  })

  it('refuses rates outside [0, 1], negative delays and targets off 127.0.0.1', async () => {
    const target = await socket()
    await expect(proxyTo(target, { toTarget: { loss: 1.5 } })).rejects.toThrow(InvalidArgumentError)
    await expect(proxyTo(target, { fromTarget: { delay: -1 } })).rejects.toThrow(InvalidArgumentError)
    await expect(startImpairmentProxy({ target: { address: '10.0.0.1', port: 9 } })).rejects.toThrow(
      /127\.0\.0\.1/,
    )
    const proxy = await proxyTo(target)
    expect(() => proxy.setImpairment('toTarget', { burst: { pGoodToBad: 2, pBadToGood: 0 } })).toThrow(
      InvalidArgumentError,
    )
  })
})

describe('impairment proxy over real UDP', () => {
  it('forwards both ways; every client gets its own upstream port and its own replies', async () => {
    const target = await socket({ echo: true })
    const proxy = await proxyTo(target)
    const clients = await Promise.all(Array.from({ length: 20 }, () => socket()))
    for (const [i, client] of clients.entries()) client.send(proxy.address, numbered(i))
    expect(await waitUntil(() => clients.every((c) => c.received.length === 1))).toBe(true)
    clients.forEach((client, i) => {
      expect(indexOf(client.received[0]!.bytes)).toBe(i)
      expect(client.received[0]!.from).toEqual(proxy.address)
    })
    const sources = new Set(target.received.map((r) => r.from.port))
    expect(sources.size).toBe(20)
    const upstreams = proxy.upstreams()
    expect(new Set(upstreams.map((u) => u.port))).toEqual(sources)
    expect(new Set(upstreams.map((u) => u.client.port))).toEqual(new Set(clients.map((c) => c.address.port)))
    expect(proxy.stats).toMatchObject({
      upstreams: 20,
      toTarget: { received: 20, forwarded: 20 },
      fromTarget: { received: 20, forwarded: 20 },
    })
  })

  it('honours a Bernoulli loss rate over 3000 datagrams (seeded)', async () => {
    const target = await socket()
    const proxy = await proxyTo(target, { seed: 11, toTarget: { loss: 0.2 } })
    const client = await socket()
    await pump(client, proxy, target, 3000)
    const { received, dropped, forwarded } = proxy.stats.toTarget
    expect(received).toBe(3000)
    expect(dropped + forwarded).toBe(3000)
    expect(dropped / received).toBeGreaterThan(0.17)
    expect(dropped / received).toBeLessThan(0.23)
    console.info(`proxy Bernoulli loss 0.2 measured ${(dropped / received).toFixed(4)} over ${received}`)
  })

  it('Gilbert–Elliott burst loss: the stationary loss rate, in runs longer than independent loss gives', async () => {
    const target = await socket()
    // Bad state entered with p = 0.05 and left with p = 0.4: loss 0.05 / 0.45 ≈ 0.111, mean run 2.5.
    const proxy = await proxyTo(target, {
      seed: 5,
      toTarget: { burst: { pGoodToBad: 0.05, pBadToGood: 0.4 } },
    })
    const client = await socket()
    await pump(client, proxy, target, 3000)
    const seen = new Set(target.received.map((r) => indexOf(r.bytes)))
    const runs: number[] = []
    let run = 0
    for (let i = 0; i <= 3000; i++) {
      if (i < 3000 && !seen.has(i)) run++
      else if (run > 0) {
        runs.push(run)
        run = 0
      }
    }
    const lost = 3000 - seen.size
    const meanRun = lost / runs.length
    expect(lost).toBe(proxy.stats.toTarget.dropped)
    expect(lost / 3000).toBeGreaterThan(0.07)
    expect(lost / 3000).toBeLessThan(0.16)
    expect(meanRun).toBeGreaterThan(1.8) // independent loss at 11 % would give ≈ 1.12
    console.info(`proxy burst loss measured ${(lost / 3000).toFixed(4)}, mean run ${meanRun.toFixed(2)}`)
  })

  it('duplicates: every datagram twice at rate 1, about one in ten at 0.1', async () => {
    const target = await socket()
    const proxy = await proxyTo(target, { toTarget: { duplicate: 1 } })
    const client = await socket()
    await pump(client, proxy, target, 200)
    expect(target.received).toHaveLength(400)
    const counts = new Map<number, number>()
    for (const r of target.received) counts.set(indexOf(r.bytes), (counts.get(indexOf(r.bytes)) ?? 0) + 1)
    expect([...counts.values()].every((n) => n === 2)).toBe(true)
    proxy.setImpairment('toTarget', { duplicate: 0.1 })
    target.received.length = 0
    const before = proxy.stats.toTarget
    await pump(client, proxy, target, 1000)
    const extra = proxy.stats.toTarget.duplicated - before.duplicated
    expect(target.received.length).toBe(1000 + extra)
    expect(extra).toBeGreaterThan(60)
    expect(extra).toBeLessThan(140)
  })

  it('corrupts by flipping exactly one bit of the datagram; the duplicate stays intact', async () => {
    const target = await socket()
    const proxy = await proxyTo(target, { seed: 3, toTarget: { corrupt: 1 } })
    const client = await socket()
    await pump(client, proxy, target, 300)
    expect(target.received).toHaveLength(300)
    for (const r of target.received) {
      // The 4-byte index may be the flipped part: find the original by distance.
      const original = numbered(indexOf(r.bytes))
      const distance = bitDistance(r.bytes, original)
      if (distance !== 1) {
        const candidates = [...Array(32).keys()].map((bit) => indexOf(r.bytes) ^ (1 << bit))
        expect(candidates.some((i) => bitDistance(r.bytes, numbered(i >>> 0)) === 1)).toBe(true)
      }
      expect(r.bytes.length).toBe(original.length)
    }
    expect(proxy.stats.toTarget.corrupted).toBe(300)
    proxy.setImpairment('toTarget', { corrupt: 1, duplicate: 1 })
    target.received.length = 0
    client.send(proxy.address, numbered(7))
    expect(await waitUntil(() => target.received.length === 2)).toBe(true)
    const distances = target.received.map((r) => bitDistance(r.bytes, numbered(7))).sort()
    expect(distances).toEqual([0, 1])
  })

  it('reorders: held-back datagrams are overtaken, nothing is lost or invented', async () => {
    const target = await socket()
    const proxy = await proxyTo(target, { seed: 8, toTarget: { reorder: 0.25 } })
    const client = await socket()
    await pump(client, proxy, target, 400)
    const order = target.received.map((r) => indexOf(r.bytes))
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(400).keys()])
    const inversions = order.filter((value, i) => i > 0 && value < order[i - 1]!).length
    expect(inversions).toBeGreaterThan(40)
    const { reordered } = proxy.stats.toTarget
    expect(reordered / 400).toBeGreaterThan(0.18)
    expect(reordered / 400).toBeLessThan(0.32)
    expect(proxy.stats.held).toBe(0)
  })

  it('delays: a datagram delayed 500 ms is overtaken by one sent after it without delay', async () => {
    // 500 ms, not less: the second datagram must reach the proxy while the first is held, so only an
    // event loop stalled for half a second could reorder them on a busy machine.
    const target = await socket()
    const proxy = await proxyTo(target, { fromTarget: {}, toTarget: { delay: 500 } })
    const client = await socket()
    const sentAt = performance.now()
    client.send(proxy.address, numbered(1))
    expect(await waitUntil(() => proxy.stats.held === 1)).toBe(true)
    proxy.setImpairment('toTarget', {})
    client.send(proxy.address, numbered(2))
    expect(await waitUntil(() => target.received.length === 2)).toBe(true)
    expect(target.received.map((r) => indexOf(r.bytes))).toEqual([2, 1])
    // Never early. The proxy's timer starts from the event loop's clock, read after the datagram arrived
    // (so after sentAt) and truncated to the millisecond: it fires at least 499 ms after sentAt. Load only
    // makes it later; 490 leaves room for the two clocks' rounding.
    expect(target.received[1]!.at - sentAt).toBeGreaterThanOrEqual(490)
    expect(proxy.stats.toTarget.delayed).toBe(1)
    // Jitter without loss: everything arrives, in whatever order.
    proxy.setImpairment('toTarget', { delay: 1, jitter: 20 })
    target.received.length = 0
    for (let i = 0; i < 100; i++) client.send(proxy.address, numbered(i))
    expect(await waitUntil(() => target.received.length === 100)).toBe(true)
    expect(new Set(target.received.map((r) => indexOf(r.bytes))).size).toBe(100)
  })

  it('blackholes can be switched on and off at run time, per direction', async () => {
    const target = await socket({ echo: true })
    const proxy = await proxyTo(target)
    const client = await socket()
    client.send(proxy.address, numbered(0))
    expect(await waitUntil(() => client.received.length === 1)).toBe(true)
    proxy.setImpairment('fromTarget', { blackhole: true })
    for (let i = 1; i <= 10; i++) client.send(proxy.address, numbered(i))
    expect(await waitUntil(() => target.received.length === 11)).toBe(true)
    await sleep(50)
    expect(client.received).toHaveLength(1)
    expect(proxy.stats.fromTarget.dropped).toBe(10)
    proxy.setImpairment('toTarget', { blackhole: true })
    proxy.setImpairment('fromTarget', {})
    for (let i = 11; i <= 20; i++) client.send(proxy.address, numbered(i))
    expect(await waitUntil(() => proxy.stats.toTarget.dropped === 10)).toBe(true)
    expect(target.received).toHaveLength(11)
    proxy.setImpairment('toTarget', {})
    client.send(proxy.address, numbered(21))
    expect(await waitUntil(() => client.received.length === 2)).toBe(true)
    expect(indexOf(client.received[1]!.bytes)).toBe(21)
  })

  it('refuses sources off 127.0.0.1 and keeps at most limits.maxUpstreams upstream sockets', async (context) => {
    const target = await socket({ echo: true })
    const proxy = await proxyTo(target, { limits: { maxUpstreams: 4 } })
    const clients = await Promise.all(Array.from({ length: 6 }, () => socket()))
    for (const client of clients) {
      client.send(proxy.address, numbered(1))
      expect(await waitUntil(() => client.received.length === 1)).toBe(true)
    }
    expect(proxy.stats.upstreams).toBe(4)
    expect(proxy.stats.evicted).toBe(2)
    expect(proxy.upstreams().map((u) => u.client.port)).toEqual(clients.slice(2).map((c) => c.address.port))
    let foreign: TestSocket
    try {
      foreign = await socket({ address: '127.0.0.2' })
    } catch {
      context.skip() // no 127.0.0.2 on this host
      return
    }
    foreign.send(proxy.address, numbered(9))
    expect(await waitUntil(() => proxy.stats.foreign === 1)).toBe(true)
    expect(target.received).toHaveLength(6)
  })

  it('close() is idempotent, drops held datagrams and releases every socket and timer', async () => {
    const target = await socket({ echo: true })
    const clients = await Promise.all(Array.from({ length: 3 }, () => socket()))
    const count = (type: string) => process.getActiveResourcesInfo().filter((r) => r === type).length
    const proxy = await startImpairmentProxy({ target: target.address, fromTarget: { delay: 100 } })
    for (const client of clients) client.send(proxy.address, numbered(1))
    expect(await waitUntil(() => proxy.stats.held === 3 && proxy.upstreams().length === 3)).toBe(true)
    const during = { udp: count('UDPWrap') }
    const first = proxy.close()
    expect(proxy.close()).toBe(first)
    await first
    expect(proxy.stats).toMatchObject({ upstreams: 0, held: 0 })
    await sleep(150)
    expect(clients.every((c) => c.received.length === 0)).toBe(true)
    // Every socket and timer the proxy held is gone (libuv lists a closed handle until the next turn).
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    // Its listening socket and one upstream per client are gone. (The held datagrams' timer is shown
    // gone above: nothing arrived 150 ms after close although they were delayed by only 100 ms.)
    expect(count('UDPWrap')).toBeLessThanOrEqual(during.udp - 4)
  })
})
