import type { Client, PeerAddress, Server } from '@pavillion/core'
import { LoopbackWorld } from '@pavillion/transport-node/testing'
import { RegistersClient, RegistersServer } from '../../src/index.ts'

/** Real UDP endpoints on loopback (the shared `LoopbackWorld`), as the registers tests use them. */
export type UdpHarness = LoopbackWorld

/** The loopback world with a PSK identity (0, `registers-psk-01`) and an ECC one (1, `registers-ecc-01`). */
export function createUdpHarness(): Promise<UdpHarness> {
  return LoopbackWorld.create(['registers-psk-01', 'registers-ecc-01'])
}

/** A server on 127.0.0.1 (or in a loopback multicast group) with a registers layer. */
export async function registersServer(
  h: UdpHarness,
  group?: PeerAddress,
): Promise<{ core: Server; registers: RegistersServer; port: number }> {
  const { server: core, port } = await h.server(group === undefined ? {} : { group })
  return { core, registers: h.track(new RegistersServer(core, { runtime: h.runtime })), port }
}

/** A PSK or ECC client sending to `destination` (unicast or a group) with a registers layer. */
export async function registersClient(
  h: UdpHarness,
  destination: PeerAddress,
  suite: 'psk' | 'ecc' = 'psk',
): Promise<{ core: Client; registers: RegistersClient }> {
  const core = await h.client(destination, suite === 'psk' ? { who: 0 } : { who: 1, ecc: true })
  return { core, registers: h.track(new RegistersClient(core, { runtime: h.runtime, retryInterval: 100 })) }
}
