import { setTimeout as sleep } from 'node:timers/promises'
import type { DeliveryReport, ServerInfo } from '@pavillion/core'
import { afterEach, describe, expect, it } from 'vitest'
import { Cell, expectExactlyOnce, reliable } from './support/cell.ts'

// Reliability matrix over real UDP through the impairment proxy: a 5 s blackhole in the middle of a stream.
let cell: Cell | undefined
afterEach(async () => {
  await cell?.close()
  cell = undefined
})

describe('a 5 s blackhole in the middle of a stream', () => {
  it('nothing gets through while it lasts; afterwards every message is delivered exactly once', async () => {
    // A 500 ms RTO ceiling, so that retransmissions resume soon after the blackhole lifts.
    cell = await Cell.start({ seed: 21, rtt: { maxRto: 500 } })
    const c = cell
    const [client] = c.clients
    await client!.waitForServer({ timeout: 5000 })
    const pending: Promise<{ name: string; report: DeliveryReport<ServerInfo> }>[] = []
    let n = 0
    const sendFor = async (ms: number) => {
      const end = performance.now() + ms
      while (performance.now() < end && n < 200) {
        const name = `bh-${n++}`
        const { done } = client!.sendTracked(reliable(name), { timeout: 7000 })
        pending.push(done.then((report) => ({ name, report })))
        await sleep(50)
      }
    }
    await sendFor(1000)
    c.proxy.setImpairment('toTarget', { blackhole: true })
    c.proxy.setImpairment('fromTarget', { blackhole: true })
    await sleep(100)
    const before = c.delivered.size
    await sendFor(4800)
    expect(c.delivered.size).toBe(before) // the blackhole held
    const sentDuring = n
    c.proxy.setImpairment('toTarget', {})
    c.proxy.setImpairment('fromTarget', {})
    await sendFor(800)
    const results = await Promise.all(pending)
    const { acknowledged } = expectExactlyOnce(c, results)
    const { toTarget, fromTarget } = c.proxy.stats
    console.info(
      `blackhole: ${n} sent (${sentDuring - before} while it lasted), ${acknowledged} acknowledged; ` +
        `proxy dropped ${toTarget.dropped} to the server, ${fromTarget.dropped} back`,
    )
    expect(acknowledged).toBe(n)
    expect(toTarget.dropped).toBeGreaterThan(0)
    expect(client!.servers()).toHaveLength(1)
    expect(c.errors).toEqual([])
  })
})
