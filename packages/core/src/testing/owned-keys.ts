import { probeKeys } from '../key-probe.ts'

/**
 * The buffers (not copies) of every key `owner` — a `Client`, `Server`,
 * `ClientEndpoint` or `ServerEndpoint` — owns at this moment: session keys,
 * a client's own key and its servers' current and previous keys. A test
 * keeps them across a close, a re-key or an eviction and checks that the
 * engine wiped them (they read as zeros). Never write to them.
 */
export function ownedKeys(owner: object): Uint8Array[] {
  const buffers: Uint8Array[] = []
  for (const key of probeKeys(owner)) if (!key.wiped) buffers.push(key.expose())
  return buffers
}

/** True when every byte of every buffer is zero. */
export function allZero(buffers: readonly Uint8Array[]): boolean {
  return buffers.every((buffer) => buffer.every((byte) => byte === 0))
}
