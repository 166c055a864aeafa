import { randomBytes } from 'node:crypto'
import type { RemoteInfo } from 'node:dgram'
import { Emitter, InvalidArgumentError, type Listener, PavillionError } from '@pavillion/core'
import {
  ADDRESS_POLL_INTERVAL,
  ANNOUNCE_COUNT,
  ANNOUNCE_INTERVAL,
  ANSWER_INTERVAL,
  MAX_RECORDS_PER_PACKET,
  MAX_RENAMES,
  MDNS_PORT,
  PROBE_COUNT,
  PROBE_INTERVAL,
  SERVICE_TYPE,
  SERVICE_TYPE_ENUMERATION,
} from './constants.ts'
import type { DiscoveryErrorCode } from './errors.ts'
import { notKnown } from './known-answers.ts'
import type { MdnsPacket, MdnsQuestion, MdnsRecord } from './mdns-links.ts'
import { type LinkOptions, type MdnsLinks, openLinks } from './mdns-links.ts'
import {
  addressRecords,
  checkLabel,
  hostName,
  instanceName,
  recordsOf,
  renamed,
  sameName,
  sameRecord,
} from './records.ts'
import type { ServiceInfo } from './service-info.ts'

/** Options of {@link advertise}. */
export interface AdvertiseOptions extends LinkOptions {
  /** The instance name, e.g. `Kitchen controller`; renamed `Kitchen controller (2)` on a conflict. */
  readonly name: string
  /** The UDP port the Pavillion server listens on. */
  readonly port: number
  /** The addresses to advertise; a function is polled and a change re-announces. */
  readonly addresses: readonly string[] | (() => readonly string[])
  /** What the TXT record says (suites, key fingerprint, group, human name, version). */
  readonly info: ServiceInfo
  /** The host label the SRV record points at; default `pavillion-` and 8 random hex digits. */
  readonly host?: string
  /** How often an `addresses` function is polled, ms. Default 5000. */
  readonly pollInterval?: number
}

/** Events of an {@link Advertisement}. */
export interface AdvertisementEvents {
  /** The name was claimed (after probing) and announced. */
  announced: { readonly name: string }
  /** Another responder holds the name: the advertisement renamed itself (RFC 6762 §9). */
  renamed: { readonly from: string; readonly to: string }
  /** The advertisement gave up (too many conflicts) or a listener threw. */
  error: { readonly error: unknown }
}

type State = 'probing' | 'announced' | 'closed'

/**
 * A Pavillion server advertised over multicast DNS: it probes for its name,
 * renames itself on a conflict, announces, answers queries (at most once a
 * second per question), re-announces when its port or addresses change and
 * says goodbye (TTL 0) on close. Create it with {@link advertise}.
 */
export class Advertisement {
  readonly #links: MdnsLinks
  readonly #events = new Emitter<AdvertisementEvents>()
  readonly #base: string
  readonly #host: string
  readonly #addresses: () => readonly string[]
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #answeredAt = new Map<string, number>()
  #label: string
  #renames = 0
  #port: number
  #info: ServiceInfo
  #current: readonly string[]
  #state: State = 'probing'
  #probeRound = 0
  #closing: Promise<void> | undefined

  /** Use {@link advertise}. */
  constructor(links: MdnsLinks, options: AdvertiseOptions) {
    this.#links = links
    this.#base = checkLabel(options.name, 'name')
    this.#label = this.#base
    this.#host = options.host ?? `pavillion-${randomBytes(4).toString('hex')}`
    this.#port = options.port
    this.#info = options.info
    const { addresses } = options
    this.#addresses = typeof addresses === 'function' ? addresses : () => addresses
    this.#current = this.#addresses()
    links.onPacket((packet, from) => this.#onPacket(packet, from))
    if (typeof addresses === 'function')
      this.#every(options.pollInterval ?? ADDRESS_POLL_INTERVAL, () => this.#pollAddresses())
    this.#probe()
  }

  /** The instance name now held (after any rename). */
  get name(): string {
    return this.#label
  }

  /** The `.local` host name its SRV record names and its A/AAAA records answer for. */
  get host(): string {
    return hostName(this.#host)
  }

  /** True once the name is claimed and announced. */
  get announced(): boolean {
    return this.#state === 'announced'
  }

  /** Adds a listener; returns its remover. */
  on<K extends keyof AdvertisementEvents>(type: K, listener: Listener<AdvertisementEvents[K]>): () => void {
    return this.#events.on(type, listener)
  }

  /** Counters of the mDNS packets seen and sent. */
  stats(): { received: number; offLink: number; malformed: number; sent: number } {
    return { ...this.#links.counters }
  }

  /** Changes the advertised port, addresses or TXT and re-announces (a restarted or moved server). */
  update(change: { port?: number; info?: ServiceInfo; addresses?: readonly string[] }): void {
    if (this.#state === 'closed') return
    if (change.port !== undefined) this.#port = change.port
    if (change.info !== undefined) this.#info = change.info
    if (change.addresses !== undefined) this.#current = change.addresses
    if (this.#state === 'announced') this.#announce()
  }

  /** Says goodbye (every record with TTL 0) and releases the sockets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const wasAnnounced = this.#state === 'announced'
      this.#state = 'closed'
      for (const timer of this.#timers) clearTimeout(timer)
      this.#timers.clear()
      if (wasAnnounced)
        this.#links.send({ type: 'response', flags: AA, answers: recordsOf(this.#set(), true) })
      // Let the goodbye leave before the socket closes.
      await new Promise((resolve) => setImmediate(resolve))
      await this.#links.close()
      this.#events.clear()
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #set() {
    return {
      label: this.#label,
      host: this.#host,
      port: this.#port,
      addresses: this.#current,
      info: this.#info,
    }
  }

  // RFC 6762 §8.1: three probes 250 ms apart, asking for our names with our records as authority.
  #probe(): void {
    this.#state = 'probing'
    const round = ++this.#probeRound
    const set = this.#set()
    const records = recordsOf(set)
    const packet: MdnsPacket = {
      type: 'query',
      questions: [
        { name: instanceName(set.label), type: 'ANY' },
        { name: hostName(set.host), type: 'ANY' },
      ],
      authorities: records.filter((r) => r.name !== SERVICE_TYPE && r.name !== SERVICE_TYPE_ENUMERATION),
    }
    for (let i = 0; i < PROBE_COUNT; i++) {
      this.#after(i * PROBE_INTERVAL, () => {
        if (this.#probeRound === round) this.#links.send(packet)
      })
    }
    this.#after(PROBE_COUNT * PROBE_INTERVAL, () => {
      if (this.#probeRound !== round || this.#state !== 'probing') return
      this.#state = 'announced'
      this.#announce()
      this.#events.emit('announced', { name: this.#label })
    })
  }

  #announce(): void {
    const round = this.#probeRound
    for (let i = 0; i < ANNOUNCE_COUNT; i++) {
      this.#after(i * ANNOUNCE_INTERVAL, () => {
        if (this.#probeRound === round && this.#state === 'announced')
          this.#links.send({ type: 'response', flags: AA, answers: recordsOf(this.#set()) })
      })
    }
  }

  #conflict(): void {
    if (++this.#renames > MAX_RENAMES) {
      this.#state = 'closed'
      this.#events.emit('error', {
        error: new PavillionError<DiscoveryErrorCode>(
          'ERR_DISCOVERY_NAME_TAKEN',
          `gave up advertising "${this.#base}": ${MAX_RENAMES} names in a row were taken`,
        ),
      })
      return
    }
    const from = this.#label
    this.#label = renamed(this.#base, this.#renames)
    this.#events.emit('renamed', { from, to: this.#label })
    this.#probe()
  }

  #onPacket(packet: MdnsPacket, from: RemoteInfo): void {
    if (this.#state === 'closed') return
    if (packet.type === 'response') this.#checkConflict(packet)
    else if (packet.type === 'query') this.#answer(packet, from)
  }

  /** A response holding one of our names with other data means someone else has it (RFC 6762 §9). */
  #checkConflict(packet: MdnsPacket): void {
    const ours = recordsOf(this.#set())
    const instance = instanceName(this.#label)
    const answers = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(
      0,
      MAX_RECORDS_PER_PACKET,
    )
    for (const record of answers) {
      if (!sameName(record.name, instance) || (record.type !== 'SRV' && record.type !== 'TXT')) continue
      if (record.ttl === 0 || ours.some((mine) => sameRecord(mine, record))) continue
      if (this.#state === 'probing') this.#conflict()
      else this.#probe() // §9: reset to probing; our probe's answer then tells who keeps the name
      return
    }
  }

  #answer(packet: MdnsPacket, from: RemoteInfo): void {
    if (this.#state !== 'announced') {
      this.#probeTieBreak(packet)
      return
    }
    const set = this.#set()
    const records = recordsOf(set)
    const instance = instanceName(set.label)
    const answers: MdnsRecord[] = []
    const now = performance.now()
    for (const question of (packet.questions ?? []).slice(0, MAX_RECORDS_PER_PACKET)) {
      // RFC 6762 §7.1: what the query already lists with at least half its TTL is not sent again.
      const matched = notKnown(
        records.filter((r) => matches(question, r)),
        packet.answers,
      )
      if (matched.length === 0) continue
      const key = `${String(question.name).toLowerCase()}/${question.type}`
      const legacy = from.port !== MDNS_PORT
      if (!legacy && now - (this.#answeredAt.get(key) ?? Number.NEGATIVE_INFINITY) < ANSWER_INTERVAL) continue
      if (!legacy) this.#answeredAt.set(key, now)
      for (const r of matched) if (!answers.includes(r)) answers.push(r)
    }
    if (answers.length === 0) return
    const additionals = answers.some((r) => r.type === 'PTR' && r.name === SERVICE_TYPE)
      ? records.filter((r) => r.name === instance || r.type === 'A' || r.type === 'AAAA')
      : answers.some((r) => r.type === 'SRV')
        ? addressRecords(set)
        : []
    const response: MdnsPacket = {
      type: 'response',
      flags: AA,
      answers,
      additionals: additionals.filter((r) => !answers.includes(r)),
    }
    // RFC 6762 §6.7: a query from a port other than 5353 is a legacy one-shot query: answer it directly.
    if (from.port !== MDNS_PORT) this.#links.send({ ...response, id: packet.id ?? 0 }, from)
    else this.#links.send(response)
  }

  /**
   * RFC 6762 §8.2 simultaneous probes: another host probing for our instance
   * name with different records; the lexicographically later data wins, so we
   * rename when theirs sorts after ours.
   */
  #probeTieBreak(packet: MdnsPacket): void {
    const instance = instanceName(this.#label)
    if (!(packet.questions ?? []).some((q) => sameName(q.name, instance))) return
    const theirs = (packet.authorities ?? []).find((r) => r.type === 'SRV' && sameName(r.name, instance))
    if (theirs === undefined) return
    const mine = recordsOf(this.#set()).find((r) => r.type === 'SRV')
    if (mine === undefined || sameRecord(mine, theirs)) return
    if (srvKey(theirs) > srvKey(mine)) this.#conflict()
  }

  #pollAddresses(): void {
    const next = this.#addresses()
    if (next.length === this.#current.length && next.every((a) => this.#current.includes(a))) return
    this.#current = next
    if (this.#state === 'announced') this.#announce()
  }

  #after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      if (this.#state !== 'closed') fn()
    }, ms)
    this.#timers.add(timer)
  }

  #every(ms: number, fn: () => void): void {
    const tick = () => {
      fn()
      this.#after(ms, tick)
    }
    this.#after(ms, tick)
  }
}

const AA = 0x400

function matches(question: MdnsQuestion, record: MdnsRecord): boolean {
  if (!sameName(question.name, record.name)) return false
  return question.type === 'ANY' || question.type === record.type
}

function srvKey(record: MdnsRecord): string {
  const data = record.data as { target?: unknown; port?: unknown } | undefined
  return `${String(data?.port ?? '').padStart(5, '0')}/${String(data?.target ?? '').toLowerCase()}`
}

/**
 * Advertises a Pavillion server over multicast DNS on the given interfaces.
 * @throws InvalidArgumentError for a bad name, port or interface; the socket error when binding fails
 */
export async function advertise(options: AdvertiseOptions): Promise<Advertisement> {
  checkLabel(options.name, 'name')
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new InvalidArgumentError(`"port" expected an integer 1–65535, got ${String(options.port)}`)
  }
  const links = await openLinks(options)
  return new Advertisement(links, options)
}
