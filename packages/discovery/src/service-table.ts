import { isIP } from 'node:net'
import { MAX_ADDRESSES_PER_HOST, MAX_TTL, SERVICE_TYPE } from './constants.ts'
import type { HeldPointer } from './known-answers.ts'
import { decodeTxt, type ServiceInfo } from './service-info.ts'

/** A Pavillion server as discovery last saw it. Untrusted: it says where to try, nothing more. */
export interface DiscoveredServer extends ServiceInfo {
  /** The DNS-SD instance label, e.g. `Kitchen controller` (unique on the link). */
  readonly instance: string
  /** The host name its SRV record names, e.g. `pavillion-3f2a1c9e.local`. */
  readonly host: string
  /** Its addresses (IPv4 first), from the A/AAAA records of `host`. */
  readonly addresses: readonly string[]
  readonly port: number
}

interface Entry {
  instance: string
  host?: string
  port?: number
  info?: ServiceInfo
  expiresAt: number
  /** When its SRV record arrived and expires, ms: past that, host and port are unknown (RFC 6762 §10). */
  srv?: { seenAt: number; expiresAt: number }
  /** Its PTR record's TTL (s, clamped) and when that arrived (ms), for known answers. */
  pointer?: { ttl: number; receivedAt: number }
  /** The last complete view reported `up`, to tell a change from a repeat. */
  reported?: DiscoveredServer
}

interface HostEntry {
  /** address → when it expires and when it was last seen, ms */
  addresses: Map<string, { expiresAt: number; seenAt: number }>
}

/** What applying records changed, for the browser to turn into events. */
export type TableChange =
  | {
      readonly type: 'up' | 'changed'
      readonly server: DiscoveredServer
      readonly previous?: DiscoveredServer
    }
  | { readonly type: 'down'; readonly server: DiscoveredServer }

/**
 * The browser's cache of Pavillion services and their hosts (RFC 6762 §10),
 * bounded in both: past `maxServices` an incomplete or soonest-expiring entry
 * is evicted, a host keeps at most 8 addresses, and TTLs are clamped to 4500 s
 * so a hostile packet cannot pin memory. Pure: time comes in as `now` (ms).
 */
export class ServiceTable {
  readonly #maxServices: number
  readonly #services = new Map<string, Entry>()
  readonly #hosts = new Map<string, HostEntry>()
  /** Entries evicted to make room (a flood of fake records shows here). */
  evicted = 0

  constructor(maxServices: number) {
    this.#maxServices = maxServices
  }

  /** Number of services held. */
  get size(): number {
    return this.#services.size
  }

  /** Number of host names held. */
  get hosts(): number {
    return this.#hosts.size
  }

  /** Every complete service. */
  servers(): DiscoveredServer[] {
    const out: DiscoveredServer[] = []
    for (const entry of this.#services.values()) {
      const server = this.#view(entry)
      if (server !== undefined) out.push(server)
    }
    return out
  }

  /** Instance labels seen through PTR records without SRV or TXT yet (to query). */
  incomplete(): string[] {
    return [...this.#services.values()]
      .filter((e) => e.port === undefined || e.info === undefined)
      .map((e) => e.instance)
  }

  /** Host names that an SRV names but no address record gave yet (to query). */
  unresolvedHosts(): string[] {
    const out = new Set<string>()
    for (const e of this.#services.values()) {
      if (e.host !== undefined && (this.#hosts.get(e.host)?.addresses.size ?? 0) === 0) out.add(e.host)
    }
    return [...out]
  }

  /** A PTR record `_pavillion._udp.local → <instance>._pavillion._udp.local`. */
  pointer(now: number, target: string, ttl: number): TableChange[] {
    const instance = instanceLabelOf(target)
    if (instance === undefined) return []
    if (ttl === 0) return this.#remove(instance)
    const entry = this.#entry(now, instance, ttl)
    if (entry !== undefined) entry.pointer = { ttl: clampTtl(ttl), receivedAt: now }
    return []
  }

  /** The PTR records held for complete services (RFC 6762 §7.1 known answers). */
  pointers(): HeldPointer[] {
    const out: HeldPointer[] = []
    for (const e of this.#services.values())
      if (e.pointer !== undefined && e.reported !== undefined)
        out.push({ instance: e.instance, ...e.pointer })
    return out
  }

  /** An SRV record of an instance. */
  service(now: number, name: string, host: unknown, port: unknown, ttl: number): TableChange[] {
    const instance = instanceLabelOf(name)
    if (instance === undefined || typeof host !== 'string' || host.length > 253) return []
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return []
    if (ttl === 0) return this.#remove(instance)
    const entry = this.#entry(now, instance, ttl)
    if (entry === undefined) return []
    entry.host = host.toLowerCase()
    entry.port = port
    entry.srv = { seenAt: now, expiresAt: now + clampTtl(ttl) * 1000 }
    return this.#report(entry)
  }

  /** A TXT record of an instance. */
  text(now: number, name: string, data: unknown, ttl: number): TableChange[] {
    const instance = instanceLabelOf(name)
    if (instance === undefined || ttl === 0) return []
    const info = decodeTxt(data, instance)
    if (info === undefined) return []
    const entry = this.#entry(now, instance, ttl)
    if (entry === undefined) return []
    entry.info = info
    return this.#report(entry)
  }

  /** An A or AAAA record; `flush` (the cache-flush bit) replaces the host's other addresses. */
  address(now: number, name: unknown, address: unknown, ttl: number, flush: boolean): TableChange[] {
    if (typeof name !== 'string' || typeof address !== 'string' || isIP(address) === 0) return []
    const host = name.toLowerCase()
    const users = [...this.#services.values()].filter((e) => e.host === host)
    // Address records of hosts no service names are not ours to keep.
    if (users.length === 0) return []
    let entry = this.#hosts.get(host)
    if (entry === undefined) {
      entry = { addresses: new Map() }
      this.#hosts.set(host, entry)
    }
    if (ttl === 0) entry.addresses.delete(address)
    else {
      // RFC 6762 §10.2: the cache-flush bit retires same-name records received more than a second ago.
      if (flush) for (const [a, at] of entry.addresses) if (at.seenAt < now - 1_000) entry.addresses.delete(a)
      entry.addresses.delete(address)
      entry.addresses.set(address, { expiresAt: now + clampTtl(ttl) * 1000, seenAt: now })
      while (entry.addresses.size > MAX_ADDRESSES_PER_HOST) {
        const oldest = entry.addresses.keys().next().value
        if (oldest === undefined) break
        entry.addresses.delete(oldest)
      }
    }
    return users.flatMap((e) => this.#report(e))
  }

  /**
   * RFC 6762 §5.2 cache maintenance: the listed services whose SRV, and the
   * hosts whose addresses, are past 80% of their TTL, to ask for again.
   */
  due(now: number): { instances: string[]; hosts: string[] } {
    const late = (at: { seenAt: number; expiresAt: number }) =>
      at.seenAt + (at.expiresAt - at.seenAt) * REFRESH_AT <= now
    const instances: string[] = []
    const hosts = new Set<string>()
    for (const e of this.#services.values()) {
      if (e.reported === undefined || e.host === undefined) continue
      if (e.srv !== undefined && late(e.srv)) instances.push(e.instance)
      const addresses = this.#hosts.get(e.host)?.addresses.values() ?? []
      if ([...addresses].some(late)) hosts.add(e.host)
    }
    return { instances, hosts: [...hosts] }
  }

  /** Drops what expired by `now` (a listed service whose SRV or every address expired goes too); returns the `down` changes. */
  expire(now: number): TableChange[] {
    const changes: TableChange[] = []
    for (const [host, entry] of this.#hosts) {
      for (const [a, at] of entry.addresses) if (at.expiresAt <= now) entry.addresses.delete(a)
      if (entry.addresses.size === 0 && ![...this.#services.values()].some((e) => e.host === host))
        this.#hosts.delete(host)
    }
    for (const entry of [...this.#services.values()]) {
      const lapsed =
        (entry.srv?.expiresAt ?? Number.POSITIVE_INFINITY) <= now ||
        (entry.reported !== undefined && this.#view(entry) === undefined)
      if (entry.expiresAt <= now || lapsed) changes.push(...this.#remove(entry.instance))
      else changes.push(...this.#report(entry))
    }
    return changes
  }

  #entry(now: number, instance: string, ttl: number): Entry | undefined {
    const key = instance.toLowerCase()
    let entry = this.#services.get(key)
    if (entry === undefined) {
      if (this.#services.size >= this.#maxServices && !this.#evictOne()) return undefined
      entry = { instance, expiresAt: 0 }
      this.#services.set(key, entry)
    }
    entry.expiresAt = Math.max(entry.expiresAt, now + clampTtl(ttl) * 1000)
    return entry
  }

  /** Evicts an incomplete entry if any, else the one expiring soonest. */
  #evictOne(): boolean {
    let victim: Entry | undefined
    for (const entry of this.#services.values()) {
      const incomplete = entry.reported === undefined
      if (victim === undefined) victim = entry
      else if (incomplete && victim.reported !== undefined) victim = entry
      else if (incomplete === (victim.reported === undefined) && entry.expiresAt < victim.expiresAt)
        victim = entry
    }
    if (victim === undefined) return false
    // Complete entries are not evicted for new ones: a flood must not push out real servers.
    if (victim.reported !== undefined) return false
    this.#services.delete(victim.instance.toLowerCase())
    this.evicted++
    return true
  }

  #remove(instance: string): TableChange[] {
    const key = instance.toLowerCase()
    const entry = this.#services.get(key)
    if (entry === undefined) return []
    this.#services.delete(key)
    if (entry.host !== undefined && ![...this.#services.values()].some((e) => e.host === entry.host))
      this.#hosts.delete(entry.host)
    return entry.reported === undefined ? [] : [{ type: 'down', server: entry.reported }]
  }

  #report(entry: Entry): TableChange[] {
    const server = this.#view(entry)
    const previous = entry.reported
    if (server === undefined) return []
    if (previous !== undefined && sameView(previous, server)) return []
    entry.reported = server
    return [previous === undefined ? { type: 'up', server } : { type: 'changed', server, previous }]
  }

  #view(entry: Entry): DiscoveredServer | undefined {
    if (entry.host === undefined || entry.port === undefined || entry.info === undefined) return undefined
    const addresses = [...(this.#hosts.get(entry.host)?.addresses.keys() ?? [])].sort(
      (a, b) => isIP(a) - isIP(b),
    )
    if (addresses.length === 0) return undefined
    return { ...entry.info, instance: entry.instance, host: entry.host, port: entry.port, addresses }
  }
}

/** `<label>._pavillion._udp.local` → `<label>`, or undefined for any other name. */
function instanceLabelOf(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined
  const suffix = `.${SERVICE_TYPE}`
  if (name.length <= suffix.length || !name.toLowerCase().endsWith(suffix)) return undefined
  const label = name.slice(0, -suffix.length)
  return label.length > 63 || label.includes('.') ? undefined : label
}

/** The share of a record's TTL after which a browser asks for it again (RFC 6762 §5.2: 80%). */
const REFRESH_AT = 0.8

function clampTtl(ttl: number): number {
  return Number.isFinite(ttl) ? Math.min(Math.max(ttl, 1), MAX_TTL) : 1
}

function sameView(a: DiscoveredServer, b: DiscoveredServer): boolean {
  return (
    a.port === b.port &&
    a.host === b.host &&
    a.addresses.join() === b.addresses.join() &&
    a.name === b.name &&
    a.fingerprint === b.fingerprint &&
    a.suites.join() === b.suites.join() &&
    a.group === b.group
  )
}
