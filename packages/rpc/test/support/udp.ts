import { LoopbackWorld } from '@pavillion/transport-node/testing'

/** Real UDP endpoints on loopback (the shared `LoopbackWorld`), as RPC's tests use them. */
export type UdpHarness = LoopbackWorld

/** The loopback world with one client identity, `rpc-test-client1`. */
export function createUdpHarness(): Promise<UdpHarness> {
  return LoopbackWorld.create(['rpc-test-client1'])
}

/** UTF-8 bytes of a string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
/** A string from UTF-8 bytes. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data)
