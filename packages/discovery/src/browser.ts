import type { RemoteInfo } from 'node:dgram'
import { type AbortOptions, Emitter, type Listener } from '@pavillion/core'
import {
  DEFAULT_MAX_SERVICES,
  MAX_RECORDS_PER_PACKET,
  MDNS_PORT,
  QUERY_INTERVAL_INITIAL,
  QUERY_INTERVAL_MAX,
  SERVICE_TYPE,
} from './constants.ts'
import { knownAnswers } from './known-answers.ts'
import type { MdnsPacket, MdnsQuestion } from './mdns-links.ts'
import { type LinkOptions, type MdnsLinks, openLinks } from './mdns-links.ts'
import { type DiscoveredServer, ServiceTable, type TableChange } from './service-table.ts'

/** Options of {@link browse}. */
export interface BrowseOptions extends LinkOptions, AbortOptions {
  /** Services tracked at most (default 256); a flood of fake records cannot grow the table past it. */
  readonly maxServices?: number
}

/** Events of a {@link Browser}, by name. */
export interface BrowserEvents {
  /** A server was seen complete (port, addresses, TXT) for the first time. */
  up: { readonly server: DiscoveredServer }
  /** A server's port, addresses or TXT changed. */
  changed: { readonly server: DiscoveredServer; readonly previous: DiscoveredServer }
  /** A server said goodbye or its records expired. */
  down: { readonly server: DiscoveredServer }
  /** A listener threw. */
  error: { readonly error: unknown }
}

/** Counters of a browser. */
export interface BrowserStats {
  readonly services: number
  readonly hosts: number
  readonly evicted: number
  readonly received: number
  /** Packets from sources off the link of our interfaces, dropped. */
  readonly offLink: number
  readonly malformed: number
  readonly ignored: number
  readonly sent: number
}

/**
 * Watches the link for `_pavillion._udp` services (RFC 6763 browsing over
 * RFC 6762): queries at once, then at doubling intervals up to a minute,
 * asks for what an entry lacks and for what nears its expiry, and keeps a
 * bounded table. Records are untrusted input: they are checked, and a server
 * they describe is only a place to try. Create it with {@link browse}.
 */
export class Browser {
  readonly #links: MdnsLinks
  readonly #table: ServiceTable
  readonly #events = new Emitter<BrowserEvents>()
  readonly #lifetime = new AbortController()
  #timer: NodeJS.Timeout | undefined
  #sweep: NodeJS.Timeout | undefined
  #interval = QUERY_INTERVAL_INITIAL
  #ask: NodeJS.Timeout | undefined
  #ignored = 0
  #maintainedAt = Number.NEGATIVE_INFINITY
  #closing: Promise<void> | undefined

  /** Use {@link browse}. */
  constructor(links: MdnsLinks, options: { maxServices?: number } = {}) {
    this.#links = links
    this.#table = new ServiceTable(options.maxServices ?? DEFAULT_MAX_SERVICES)
    links.onPacket((packet, from) => this.#onPacket(packet, from))
    this.#query()
    this.#sweep = setInterval(() => this.#tick(performance.now()), 1_000)
    this.#sweep.unref()
  }

  /** Aborts when the browser closes. */
  get signal(): AbortSignal {
    return this.#lifetime.signal
  }

  /** Adds a listener; returns its remover. */
  on<K extends keyof BrowserEvents>(
    type: K,
    listener: Listener<BrowserEvents[K]>,
    options?: AbortOptions,
  ): () => void {
    return this.#events.on(type, listener, options)
  }

  /** Every server currently known (complete entries only). */
  servers(): DiscoveredServer[] {
    return this.#table.servers()
  }

  /** Counters: table sizes, evictions, packets seen, dropped and sent. */
  stats(): BrowserStats {
    const { received, offLink, malformed, sent } = this.#links.counters
    return {
      services: this.#table.size,
      hosts: this.#table.hosts,
      evicted: this.#table.evicted,
      received,
      offLink,
      malformed,
      ignored: this.#ignored,
      sent,
    }
  }

  /** Asks the link again now (e.g. after a server stopped answering). */
  refresh(): void {
    if (this.#closing !== undefined) return
    this.#interval = QUERY_INTERVAL_INITIAL
    clearTimeout(this.#timer)
    this.#query()
  }

  /** Stops querying and releases the sockets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearTimeout(this.#timer)
      clearTimeout(this.#ask)
      clearInterval(this.#sweep)
      this.#lifetime.abort()
      await this.#links.close()
      this.#events.clear()
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #query(): void {
    const questions: MdnsQuestion[] = [{ name: SERVICE_TYPE, type: 'PTR' }]
    for (const instance of this.#table.incomplete().slice(0, 16)) {
      questions.push({ name: `${instance}.${SERVICE_TYPE}`, type: 'ANY' })
    }
    for (const host of this.#table.unresolvedHosts().slice(0, 16)) {
      questions.push({ name: host, type: 'A' }, { name: host, type: 'AAAA' })
    }
    // RFC 6762 §7.1: list what we hold with more than half its TTL left, so responders stay quiet about it.
    const answers = knownAnswers(this.#table.pointers(), performance.now())
    this.#links.send({ type: 'query', questions, ...(answers.length === 0 ? {} : { answers }) })
    this.#timer = setTimeout(() => this.#query(), this.#interval)
    this.#timer.unref()
    this.#interval = Math.min(this.#interval * 2, QUERY_INTERVAL_MAX)
  }

  /** Once a second: drops what expired, and asks again for records near their expiry (at most every 5 s). */
  #tick(now: number): void {
    this.#apply(this.#table.expire(now))
    if (now - this.#maintainedAt < MAINTENANCE_INTERVAL) return
    const { instances, hosts } = this.#table.due(now)
    const questions: MdnsQuestion[] = []
    for (const instance of instances.slice(0, 16))
      questions.push({ name: `${instance}.${SERVICE_TYPE}`, type: 'ANY' })
    for (const host of hosts.slice(0, 16))
      questions.push({ name: host, type: 'A' }, { name: host, type: 'AAAA' })
    if (questions.length === 0) return
    this.#maintainedAt = now
    this.#links.send({ type: 'query', questions })
  }

  #onPacket(packet: MdnsPacket, from: RemoteInfo): void {
    // RFC 6762 §11: multicast responses come from port 5353; anything else is not a responder.
    if (packet.type !== 'response' || from.port !== MDNS_PORT) {
      if (packet.type === 'response') this.#ignored++
      return
    }
    const now = performance.now()
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(
      0,
      MAX_RECORDS_PER_PACKET,
    )
    const changes: TableChange[] = []
    // Names before addresses: an A record is kept only for a host some SRV names.
    for (const r of records) {
      const ttl = typeof r.ttl === 'number' ? r.ttl : 0
      if (r.type === 'PTR' && r.name.toLowerCase() === SERVICE_TYPE)
        changes.push(...this.#table.pointer(now, String(r.data), ttl))
      else if (r.type === 'SRV') {
        const data = r.data as { target?: unknown; port?: unknown } | undefined
        changes.push(...this.#table.service(now, r.name, data?.target, data?.port, ttl))
      } else if (r.type === 'TXT') changes.push(...this.#table.text(now, r.name, r.data, ttl))
    }
    for (const r of records) {
      if (r.type === 'A' || r.type === 'AAAA') {
        const ttl = typeof r.ttl === 'number' ? r.ttl : 0
        changes.push(...this.#table.address(now, r.name, r.data, ttl, r.flush === true))
      }
    }
    this.#apply(changes)
    if (this.#table.incomplete().length > 0 || this.#table.unresolvedHosts().length > 0) this.#askSoon()
  }

  /** Asks for missing SRV/TXT/addresses once per 200 ms at most. */
  #askSoon(): void {
    if (this.#ask !== undefined || this.#closing !== undefined) return
    this.#ask = setTimeout(() => {
      this.#ask = undefined
      if (this.#closing !== undefined) return
      const questions: MdnsQuestion[] = []
      for (const instance of this.#table.incomplete().slice(0, 16))
        questions.push({ name: `${instance}.${SERVICE_TYPE}`, type: 'ANY' })
      for (const host of this.#table.unresolvedHosts().slice(0, 16))
        questions.push({ name: host, type: 'A' }, { name: host, type: 'AAAA' })
      if (questions.length > 0) this.#links.send({ type: 'query', questions })
    }, 200)
    this.#ask.unref()
  }

  #apply(changes: readonly TableChange[]): void {
    for (const change of changes) {
      if (change.type === 'changed' && change.previous !== undefined)
        this.#events.emit('changed', { server: change.server, previous: change.previous })
      else if (change.type === 'up') this.#events.emit('up', { server: change.server })
      else if (change.type === 'down') this.#events.emit('down', { server: change.server })
    }
  }
}

/** The least gap between two cache-maintenance queries, ms: 120 s records are asked for 5 times before they expire. */
const MAINTENANCE_INTERVAL = 5_000

/**
 * Starts browsing for Pavillion servers on the given interfaces.
 * @throws InvalidArgumentError for a missing or non-IP interface; the socket error when binding fails
 */
export async function browse(options: BrowseOptions): Promise<Browser> {
  options.signal?.throwIfAborted()
  const links = await openLinks(options)
  const browser = new Browser(
    links,
    options.maxServices === undefined ? {} : { maxServices: options.maxServices },
  )
  if (options.signal !== undefined) {
    const close = () => void browser.close()
    options.signal.addEventListener('abort', close, { once: true })
    browser.signal.addEventListener('abort', () => options.signal?.removeEventListener('abort', close))
  }
  return browser
}
