import { afterAll, describe, expect, it } from 'vitest'
import { Cell, expectExactlyOnce, stream } from './support/cell.ts'

// Reliability matrix over real UDP through the impairment proxy: single-bit corruption each way.
const cells: Cell[] = []
afterAll(async () => {
  await Promise.all(cells.splice(0).map((c) => c.close()))
})

describe.concurrent('corruption each way', () => {
  it.each([0.05, 0.3])(
    'corruption %d: every damaged datagram is refused, nothing is delivered twice',
    async (rate) => {
      const c = await Cell.start({ seed: 17, toTarget: { corrupt: rate }, fromTarget: { corrupt: rate } })
      cells.push(c)
      const [client] = c.clients
      await client!.waitForServer({ timeout: 10_000 })
      const results = await stream(client!, `corrupt${rate}`, 100, 15_000)
      const { acknowledged, deadline } = expectExactlyOnce(c, results)
      // Nothing delivered that was not sent (and expectExactlyOnce checked the bodies).
      for (const name of c.delivered.keys()) expect(name).toMatch(new RegExp(`^corrupt${rate}-\\d+$`))
      const server = c.server.stats()
      const clientStats = client!.stats()
      const { toTarget, fromTarget } = c.proxy.stats
      console.info(
        `corruption ${rate}: ${acknowledged} acknowledged, ${deadline} deadline; proxy corrupted ` +
          `${toTarget.corrupted} to the server, ${fromTarget.corrupted} back; server forged ${server.forged} ` +
          `malformed ${server.malformed} stale ${server.stale}; client forged ${clientStats.forged} ` +
          `malformed ${clientStats.malformed} handshakes ${clientStats.handshakes}`,
      )
      expect(server.forged).toBeGreaterThan(0)
      expect(acknowledged).toBeGreaterThan(80)
      expect(c.errors).toEqual([])
    },
  )
})
