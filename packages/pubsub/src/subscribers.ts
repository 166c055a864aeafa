import type { ServerInfo } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { positiveInteger } from './options.ts'

interface Record {
  readonly server: ServerInfo
  seenAt: number
}

/**
 * A client's view of which servers listen to which target (PROTOCOL.md §9.2):
 * per target, server key → last time the server acknowledged a reliable
 * message of that target or announced it (opcode 13). Records older than
 * `expiry` are ignored and purged lazily; opcode 14 and a disconnect remove
 * them at once. Bounded: at most `maxTargets` targets, the least recently
 * refreshed target is forgotten first; per target at most one record per
 * server the engine knows (its own table is bounded).
 */
export class SubscriberTable {
  readonly #expiry: number
  readonly #maxTargets: number
  readonly #targets = new Map<string, Map<string, Record>>()

  /** @throws InvalidArgumentError for a negative or non-finite expiry, or a non-positive `maxTargets` */
  constructor(expiry: number, maxTargets: number) {
    if (!Number.isFinite(expiry) || expiry < 0) {
      throw new InvalidArgumentError(
        `"subscriberExpiry" expected a finite number of ms ≥ 0, got ${String(expiry)}`,
      )
    }
    this.#expiry = expiry
    this.#maxTargets = positiveInteger('maxSubscriberTargets', maxTargets)
  }

  /** Records (or refreshes) `server` as a subscriber of `target` at `now`; true when it was not one. */
  touch(target: string, server: ServerInfo, now: number): boolean {
    let records = this.#targets.get(target)
    if (records === undefined) records = new Map()
    // Re-insert: the map's order is the refresh order, oldest first.
    this.#targets.delete(target)
    this.#targets.set(target, records)
    if (this.#targets.size > this.#maxTargets) {
      const oldest = this.#targets.keys().next().value as string
      this.#targets.delete(oldest)
    }
    const record = records.get(server.key)
    const fresh = record === undefined || now - record.seenAt > this.#expiry
    records.set(server.key, { server, seenAt: now })
    return fresh
  }

  /** Removes `serverKey` from `target`; returns the server when it was a live subscriber. */
  remove(target: string, serverKey: string, now: number): ServerInfo | undefined {
    const records = this.#targets.get(target)
    const record = records?.get(serverKey)
    if (records === undefined || record === undefined) return undefined
    records.delete(serverKey)
    if (records.size === 0) this.#targets.delete(target)
    return now - record.seenAt > this.#expiry ? undefined : record.server
  }

  /** Removes `serverKey` from every target; returns the targets it was a live subscriber of. */
  dropServer(serverKey: string, now: number): string[] {
    const targets: string[] = []
    for (const target of [...this.#targets.keys()]) {
      if (this.remove(target, serverKey, now) !== undefined) targets.push(target)
    }
    return targets
  }

  /** The live subscribers of `target` (expired records are purged on the way). */
  list(target: string, now: number): ServerInfo[] {
    const records = this.#targets.get(target)
    if (records === undefined) return []
    const live: ServerInfo[] = []
    for (const [key, record] of records) {
      if (now - record.seenAt > this.#expiry) records.delete(key)
      else live.push(record.server)
    }
    if (records.size === 0) this.#targets.delete(target)
    return live
  }

  /** Targets with at least one record (live or not yet purged). */
  get size(): number {
    return this.#targets.size
  }
}
