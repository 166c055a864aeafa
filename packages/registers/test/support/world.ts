import { setImmediate as macrotask } from 'node:timers/promises'
import type { Client, PeerAddress, Server } from '@pavillion/core'
import { SIM_SERVER, SimWorld } from '@pavillion/core/testing'
import {
  RegistersClient,
  type RegistersClientOptions,
  RegistersServer,
  type RegistersServerOptions,
} from '../../src/index.ts'

/** Where the in-memory servers listen. */
export const SERVER = SIM_SERVER

/** The shared simulated world, as the registers tests use it. */
export type World = SimWorld

/** The world with one client identity, `registers-test-1`; it settles by macrotask turns (handlers' promises finish). */
export function createWorld(seed = 1): Promise<World> {
  return SimWorld.create({
    seed,
    clientIds: ['registers-test-1'],
    yieldTurn: async () => {
      await macrotask()
    },
  })
}

/** A world server at `address` with a registers layer on the world's clock. */
export function registersServer(
  world: World,
  address: PeerAddress = SERVER,
  options: Partial<RegistersServerOptions> = {},
): { core: Server; registers: RegistersServer } {
  const core = world.server(address)
  return { core, registers: new RegistersServer(core, { runtime: world.runtime, ...options }) }
}

/** A world client (PSK, identity 0) towards `destination` with a registers layer on the world's clock. */
export function registersClient(
  world: World,
  destination: PeerAddress = SERVER,
  options: Partial<RegistersClientOptions> = {},
): { core: Client; registers: RegistersClient } {
  const core = world.client(destination)
  return { core, registers: new RegistersClient(core, { runtime: world.runtime, ...options }) }
}
