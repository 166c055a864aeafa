import type { Secret } from '@pavillion/crypto'

/**
 * What lets a test see the keys an endpoint owns (`ownedKeys` of
 * `@pavillion/core/testing`), so that it can hold their buffers across a
 * close or re-key and read them as zeros. Not part of the public API: the
 * table is keyed by the endpoint (and its facade) and holds no strong reference.
 */
const probes = new WeakMap<object, () => Secret[]>()

/** Lets `ownedKeys(owner)` list the keys `probe` returns (those `owner` owns at that moment). */
export function registerKeyProbe(owner: object, probe: () => Secret[]): void {
  probes.set(owner, probe)
}

/** `facade` answers `ownedKeys` with the keys of the endpoint it drives. */
export function shareKeyProbe(facade: object, endpoint: object): void {
  const probe = probes.get(endpoint)
  if (probe !== undefined) probes.set(facade, probe)
}

/** The keys `owner` owns now; empty for anything that registered no probe. */
export function probeKeys(owner: object): Secret[] {
  return probes.get(owner)?.() ?? []
}
