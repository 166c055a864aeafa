import { afterAll, describe, expect, it } from 'vitest'
import { burstLoss, Cell, expectExactlyOnce, stream } from './support/cell.ts'

// Reliability matrix over real UDP through the impairment proxy: loss each way.
const cells: Cell[] = []
afterAll(async () => {
  await Promise.all(cells.splice(0).map((c) => c.close()))
})

async function cell(options: Parameters<typeof Cell.start>[0]): Promise<Cell> {
  const c = await Cell.start(options)
  cells.push(c)
  return c
}

describe.concurrent('loss each way, Gilbert–Elliott bursts (mean 2)', () => {
  it.each([0.1, 0.3, 0.5])(
    'loss %d: every acknowledged message reaches the server application exactly once',
    async (rate) => {
      const c = await cell({
        seed: Math.round(rate * 100),
        toTarget: burstLoss(rate),
        fromTarget: burstLoss(rate),
      })
      const [client] = c.clients
      await client!.waitForServer({ timeout: 15_000 })
      const results = await stream(client!, `loss${rate}`, 100, 8_000)
      const { acknowledged, deadline } = expectExactlyOnce(c, results)
      const { toTarget, fromTarget } = c.proxy.stats
      console.info(
        `loss ${rate}: ${acknowledged} acknowledged, ${deadline} deadline, delivered ${c.delivered.size}; ` +
          `proxy dropped ${toTarget.dropped}/${toTarget.received} to the server, ` +
          `${fromTarget.dropped}/${fromTarget.received} back; client retransmissions ${client!.stats().retransmissions}`,
      )
      expect(acknowledged).toBeGreaterThan(50)
      expect(toTarget.dropped).toBeGreaterThan(0)
      expect(fromTarget.dropped).toBeGreaterThan(0)
      expect(c.errors).toEqual([])
    },
  )

  it('sends that exhaust their timeout report deadline, naming the server as missing', async () => {
    const c = await cell({ seed: 4 })
    const [client] = c.clients
    await client!.waitForServer({ timeout: 5000 })
    c.proxy.setImpairment('toTarget', { blackhole: true })
    const results = await stream(client!, 'lost', 5, 2000)
    for (const { report } of results) {
      expect(report.outcome).toBe('deadline')
      expect(report.acked).toEqual([])
      expect(report.missing.map((s) => s.key)).toEqual([c.serverKey])
      expect(report.transmissions).toBeGreaterThan(1)
    }
    expect(c.delivered.size).toBe(0)
    expectExactlyOnce(c, results)
  })
})
