import { afterAll, describe, expect, it } from 'vitest'
import { Cell, expectExactlyOnce, stream } from './support/cell.ts'

// Reliability matrix over real UDP through the impairment proxy: duplication and reordering each way.
const cells: Cell[] = []
afterAll(async () => {
  await Promise.all(cells.splice(0).map((c) => c.close()))
})

describe.concurrent('duplication and reordering each way', () => {
  it.each([
    ['duplication 10%', { duplicate: 0.1 }],
    ['duplication 100%', { duplicate: 1 }],
    ['reordering 25%', { reorder: 0.25 }],
  ] as const)('%s: every message acknowledged and delivered exactly once', async (name, impairment) => {
    const c = await Cell.start({ seed: name.length, toTarget: impairment, fromTarget: impairment })
    cells.push(c)
    const [client] = c.clients
    await client!.waitForServer({ timeout: 5000 })
    const results = await stream(client!, name, 100, 20_000)
    const { acknowledged } = expectExactlyOnce(c, results)
    expect(acknowledged).toBe(100)
    expect(c.delivered.size).toBe(100)
    const { toTarget, fromTarget } = c.proxy.stats
    const duplicates = c.server.stats().duplicates
    console.info(
      `${name}: proxy duplicated ${toTarget.duplicated}/${fromTarget.duplicated}, ` +
        `reordered ${toTarget.reordered}/${fromTarget.reordered}; server saw ${duplicates} duplicates`,
    )
    if ('duplicate' in impairment) {
      expect(toTarget.duplicated).toBeGreaterThan(0)
      expect(duplicates).toBeGreaterThan(0) // the copies reached the engine and were refused there
    } else expect(toTarget.reordered + fromTarget.reordered).toBeGreaterThan(0)
    expect(c.errors).toEqual([])
  })
})
