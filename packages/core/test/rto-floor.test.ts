import { encodeApp } from '@pavillion/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { createSeededRandom } from '../src/testing/seeded-random.ts'
import { SimWorld } from '../src/testing/sim-world.ts'
import { text } from './support/bytes.ts'

const SERVER = { address: '127.0.0.1', port: 1783 }
const reliable = (body: string) => encodeApp({ type: 'reliable', target: 'T', name: 'n', body: text(body) })

let world: SimWorld | undefined
afterEach(async () => {
  await world?.close()
})

/**
 * A loaded loopback: round trips of ~0 ms, then now and then a stall of up to 35 ms (a busy event loop,
 * a garbage collection) during which nothing is delivered while the clock runs. 32 reliable messages are
 * in flight in each of 40 rounds, no datagram is lost: every retransmission is spurious.
 */
async function spuriousRetransmissions(rtt?: { minRto: number }): Promise<number> {
  world = await SimWorld.create({ seed: 6298 })
  world.server(SERVER)
  const client = world.client(SERVER, rtt === undefined ? {} : { rtt })
  await world.run(10)
  const random = createSeededRandom(6298)
  for (let i = 0; i < 20; i++) {
    const { done } = client.sendTracked(reliable(`warm ${i}`))
    await world.run(1)
    expect((await done).outcome).toBe('acknowledged')
  }
  const before = client.stats().retransmissions
  for (let round = 0; round < 40; round++) {
    const sends = Array.from({ length: 32 }, (_, i) => client.sendTracked(reliable(`${round}/${i}`)).done)
    // The stall: the clock (and every timer) moves, no datagram is delivered meanwhile.
    world.runtime.advance(Math.floor(random.next() * 36))
    await world.run(5)
    for (const report of await Promise.all(sends)) expect(report.outcome).toBe('acknowledged')
  }
  return client.stats().retransmissions - before
}

describe('the retransmission timeout floor', () => {
  it('no spurious retransmission through stalls of up to 35 ms on a fast link (default floor)', async () => {
    expect(await spuriousRetransmissions()).toBe(0)
  })

  it('the former 15 ms floor retransmitted spuriously through the same stalls', async () => {
    const spurious = await spuriousRetransmissions({ minRto: 15 })
    expect(spurious).toBeGreaterThan(300)
  })

  it('a lost message is still retransmitted after the floor', async () => {
    world = await SimWorld.create()
    world.server(SERVER)
    const client = world.client(SERVER)
    await world.run(10)
    const { done } = client.sendTracked(reliable('warm'))
    await world.run(1)
    await done
    const lost = world.net.impair({ to: SERVER }, { loss: 1 })
    const report = client.sendTracked(reliable('lost once')).done
    await world.run(1)
    lost()
    await world.run(38) // 39 ms after the send: still waiting
    expect(client.stats().retransmissions).toBe(0)
    await world.run(10)
    expect(client.stats().retransmissions).toBe(1)
    expect((await report).transmissions).toBe(2)
  })
})
