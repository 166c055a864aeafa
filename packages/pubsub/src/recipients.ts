import { addressKey, type ClientInfo, InvalidArgumentError, type PeerAddress } from '@pavillion/core'

/** Chooses clients: a session key (`ClientInfo.key`), a client ID or identity (bytes), or an address. */
export type ClientSelector = string | Uint8Array | PeerAddress

/**
 * The sessions matching any of `selectors` (all of them when undefined), in
 * session order.
 * @throws InvalidArgumentError for a selector of another type
 */
export function selectClients(
  sessions: readonly ClientInfo[],
  selectors: readonly ClientSelector[] | undefined,
): ClientInfo[] {
  if (selectors === undefined) return [...sessions]
  const keys = new Set<string>()
  const ids: Uint8Array[] = []
  for (const selector of selectors) {
    if (typeof selector === 'string') keys.add(selector)
    else if (selector instanceof Uint8Array) ids.push(selector)
    else if (
      typeof selector === 'object' &&
      selector !== null &&
      typeof selector.address === 'string' &&
      typeof selector.port === 'number'
    )
      keys.add(addressKey(selector))
    else throw new InvalidArgumentError('"to" expected session keys, client IDs (Uint8Array) or addresses')
  }
  return sessions.filter(
    (client) =>
      keys.has(client.key) || ids.some((id) => equal(id, client.clientId) || equal(id, client.identity)),
  )
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
