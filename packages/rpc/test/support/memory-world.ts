import { setImmediate as macrotask } from 'node:timers/promises'
import { SimWorld } from '@pavillion/core/testing'

/** The shared simulated world, as RPC's tests use it. */
export type MemoryWorld = SimWorld

/** The world with one client identity, `rpc-client-00001`; it settles by macrotask turns (handlers' promises finish). */
export function createWorld(seed = 1): Promise<MemoryWorld> {
  return SimWorld.create({
    seed,
    clientIds: ['rpc-client-00001'],
    yieldTurn: async () => {
      await macrotask()
    },
  })
}
