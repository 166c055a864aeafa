import { setImmediate as macrotask } from 'node:timers/promises'
import { SIM_GROUP, SIM_SERVER, SimWorld } from '@pavillion/core/testing'

/** Where the in-memory servers listen, and the group they join. */
export const SERVER = SIM_SERVER
export const GROUP = SIM_GROUP
export const PORT = SIM_SERVER.port

/** The shared simulated world, as pub/sub's tests use it. */
export type World = SimWorld

/**
 * The world with clients A–D (identities 0–3) known to every server; it
 * settles by macrotask turns, so listeners' promise chains finish.
 */
export function createWorld(seed = 1): Promise<World> {
  return SimWorld.create({
    seed,
    clientIds: ['A', 'B', 'C', 'D'].map((letter) => `pubsub-client-${letter}0`),
    yieldTurn: async () => {
      await macrotask()
    },
  })
}

/** UTF-8 bytes of `value`. */
export const text = (value: string): Uint8Array => new TextEncoder().encode(value)

/** `bytes` as UTF-8 text. */
export const str = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
