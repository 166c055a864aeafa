import { setTimeout as sleep } from 'node:timers/promises'
import type { PavillionClient } from 'pavillion'
import type { AddressArg } from '../args/address.ts'

/**
 * Waits for the first server (at most `timeout` ms; TimeoutError after),
 * then — for a multicast group — `settle` ms more so the other members of
 * the group finish their handshakes too.
 */
export async function gatherServers(
  client: PavillionClient,
  address: AddressArg,
  timeout: number,
  settle: number,
  signal: AbortSignal,
): Promise<void> {
  await client.waitForServer({ timeout, signal })
  if (address.multicast && settle > 0) await sleep(settle, undefined, { signal })
}
