import type { BridgeLogger } from './debug-log.ts'
import { BridgeConfigError } from './errors.ts'
import { filterProblem } from './topics.ts'

/** How the bridge reaches the broker. Secrets here are never logged nor shown in errors. */
export interface MqttConnectionOptions {
  /** `mqtt://host:1883`, `mqtts://host:8883`, `ws://…`, `wss://…`; user info in the URL is accepted and redacted. */
  readonly url: string
  readonly username?: string
  readonly password?: string
  /** TLS: trusted CA certificates (PEM), client certificate and key (PEM). */
  readonly ca?: string | Uint8Array
  readonly cert?: string | Uint8Array
  readonly key?: string | Uint8Array
  /** TLS: refuse a broker whose certificate does not verify (default true). */
  readonly rejectUnauthorized?: boolean
  /** The MQTT client ID (default `pavillion-bridge-<id>`): keep it stable, the broker keeps the session under it. */
  readonly clientId?: string
  /** Seconds between MQTT pings (default 30). */
  readonly keepalive?: number
  /** Seconds the broker keeps the bridge's session and queued QoS 1 messages while it is away (default 3600). */
  readonly sessionExpiry?: number
  /** First reconnection delay, ms (default 500); doubled per failed attempt up to `maxReconnectDelay`. */
  readonly reconnectDelay?: number
  /** Longest reconnection delay, ms (default 30 000). */
  readonly maxReconnectDelay?: number
  /** Connection attempt timeout, ms (default 10 000). */
  readonly connectTimeout?: number
}

/** What may leave Pavillion for MQTT. `'*'` allows everything; the default is `['*']` for both. */
export interface OutboundAllow {
  /** Link IDs and sender identities (client IDs as text or hex) whose messages cross. */
  readonly identities?: readonly string[]
  /** Targets whose messages cross. */
  readonly targets?: readonly string[]
}

/**
 * One way in from MQTT: messages on topics matching `filter` are published
 * to the Pavillion server of link `to` — or, with `to: '$server'`, by the
 * bridge's own server to its clients. The levels after the filter's fixed
 * prefix give the target (unless `target` is set) and the name (the rest).
 */
export interface InboundRule {
  readonly filter: string
  readonly to: string
  /** A fixed target; then every level after the prefix forms the name. */
  readonly target?: string
  /** Targets allowed through this rule (default: any the topic names). */
  readonly targets?: readonly string[]
}

/** The functions MQTT requests may call on the server of link `to` (an allow-list: nothing else is called). */
export interface RpcRule {
  readonly to: string
  readonly functions: readonly number[]
}

/**
 * Registers of link `to`'s server as retained topics: those in `observe`
 * (or `'all'` it lists) are observed and published; those in `write` may be
 * written from `…/set` (an allow-list: default none).
 */
export interface RegisterRule {
  readonly to: string
  /** Register numbers to observe, or `'all'` (the ones the server lists when first reached). Default none. */
  readonly observe?: readonly number[] | 'all'
  /** Register numbers MQTT may write. Default none. */
  readonly write?: readonly number[]
  /** Notifications at most this often per register, ms (0–65535; faster changes coalesce to the latest). Default 0. */
  readonly rateLimitMs?: number
}

/** A register rule with its defaults filled in. */
export interface ResolvedRegisterRule {
  readonly to: string
  readonly observe: readonly number[] | 'all'
  readonly write: readonly number[]
  readonly rateLimitMs: number
}

/** The bridge's queue bounds (see the README's overflow policy). */
export interface QueueOptions {
  /** Pavillion → MQTT messages handed to MQTT and not yet confirmed (QoS 1 PUBACK, QoS 0 written); default 10 000. */
  readonly toMqtt?: number
  /** MQTT → Pavillion QoS 1 messages the broker may send before the bridge acknowledged (MQTT receive maximum); default 64. */
  readonly toPavillion?: number
  /** MQTT requests being called at once; more are answered `busy`. Default 64. */
  readonly rpcCalls?: number
}

/** Discovery presence: browse `_pavillion._udp` over mDNS on these interfaces and publish what is seen (default off). */
export interface DiscoveryPresenceOptions {
  /** IP addresses of this host to browse on (e.g. `['192.168.1.10']`); never guessed. */
  readonly interfaces: readonly string[]
  /** Services tracked at most (default 256). */
  readonly maxServices?: number
}

/** Options of {@link MqttBridge}. */
export interface MqttBridgeOptions {
  /** This bridge's name: `[A-Za-z0-9_-]{1,64}`. Its status topic, loop marker and default MQTT client ID. */
  readonly id: string
  readonly mqtt: MqttConnectionOptions
  /** The first topic level of everything the bridge writes (default `pavillion`). */
  readonly prefix?: string
  readonly outbound?: OutboundAllow
  /** Ways in from MQTT; none by default (nothing from MQTT reaches Pavillion). */
  readonly inbound?: readonly InboundRule[]
  /** Functions MQTT requests may call; none by default. */
  readonly rpc?: readonly RpcRule[]
  /** Registers as retained topics, and which MQTT may write; none by default. */
  readonly registers?: readonly RegisterRule[]
  readonly queues?: QueueOptions
  /** Servers advertising on the LAN as retained `<prefix>/<id>/$discovered/<instance>` topics; off by default. */
  readonly discovery?: DiscoveryPresenceOptions
  /** How long a Pavillion publish or call the bridge makes may wait for its acknowledgement, ms (default 2000). */
  readonly timeout?: number
  /** Debug lines by namespace (`bridge:*`); see `debugLogger`. */
  readonly logger?: BridgeLogger
}

const ID = /^[A-Za-z0-9_-]{1,64}$/

/** The name inbound rules give the bridge's own server (`to: '$server'`: publish to its clients). */
export const SERVER_LINK = '$server'

function positive(path: string, value: number | undefined, fallback: number, max = 2 ** 31 - 1): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new BridgeConfigError(path, `expected an integer in 1–${max}, got ${String(value)}`)
  return value
}

function registerNumbers(path: string, list: readonly number[]): readonly number[] {
  for (const r of list)
    if (!Number.isInteger(r) || r < 0 || r > 65534)
      throw new BridgeConfigError(path, `expected register numbers in 0–65534, got ${String(r)}`)
  return list
}

function registerRule(rule: RegisterRule, i: number, links: ReadonlySet<string>): ResolvedRegisterRule {
  if (!links.has(rule.to)) throw new BridgeConfigError(`registers[${i}].to`, `no link named "${rule.to}"`)
  const observe = rule.observe ?? []
  const rateLimitMs = rule.rateLimitMs ?? 0
  if (!Number.isInteger(rateLimitMs) || rateLimitMs < 0 || rateLimitMs > 65535)
    throw new BridgeConfigError(`registers[${i}].rateLimitMs`, `expected an integer in 0–65535`)
  return {
    to: rule.to,
    observe: observe === 'all' ? 'all' : registerNumbers(`registers[${i}].observe`, observe),
    write: registerNumbers(`registers[${i}].write`, rule.write ?? []),
    rateLimitMs,
  }
}

function discoveryOptions(options: DiscoveryPresenceOptions | undefined): ResolvedOptions['discovery'] {
  if (options === undefined) return undefined
  const interfaces = options.interfaces
  if (
    !Array.isArray(interfaces) ||
    interfaces.length === 0 ||
    !interfaces.every((address) => typeof address === 'string' && address !== '')
  )
    throw new BridgeConfigError(
      'discovery.interfaces',
      'expected a non-empty list of IP addresses of this host',
    )
  return { interfaces, maxServices: positive('discovery.maxServices', options.maxServices, 256, 65535) }
}

/** Options with every default filled in and every field checked. */
export interface ResolvedOptions {
  readonly id: string
  readonly prefix: string
  readonly mqtt: MqttConnectionOptions
  readonly outbound: { readonly identities: ReadonlySet<string>; readonly targets: ReadonlySet<string> }
  readonly inbound: readonly InboundRule[]
  readonly rpc: readonly RpcRule[]
  readonly registers: readonly ResolvedRegisterRule[]
  readonly queues: Required<QueueOptions>
  readonly discovery: { readonly interfaces: readonly string[]; readonly maxServices: number } | undefined
  readonly timeout: number
  readonly logger: BridgeLogger | undefined
}

/**
 * Checks the options and fills in the defaults.
 * @throws BridgeConfigError naming the first bad option
 */
export function resolveOptions(
  options: MqttBridgeOptions,
  links: ReadonlySet<string>,
  hasServer = false,
): ResolvedOptions {
  if (!ID.test(options.id)) throw new BridgeConfigError('id', 'expected 1–64 of A–Z a–z 0–9 _ -')
  const prefix = options.prefix ?? 'pavillion'
  if (prefix === '' || filterProblem(prefix) !== undefined || /[+#]/.test(prefix) || prefix.startsWith('$'))
    throw new BridgeConfigError('prefix', 'expected topic levels without wildcards, not starting with $')
  if (typeof options.mqtt?.url !== 'string') throw new BridgeConfigError('mqtt.url', 'expected a URL string')
  const inbound = options.inbound ?? []
  for (const [i, rule] of inbound.entries()) {
    const problem = filterProblem(rule.filter)
    if (problem !== undefined) throw new BridgeConfigError(`inbound[${i}].filter`, problem)
    if (!links.has(rule.to) && !(hasServer && rule.to === SERVER_LINK))
      throw new BridgeConfigError(
        `inbound[${i}].to`,
        `no link named "${rule.to}"; links: ${[...links].join(', ') || 'none'}`,
      )
    if (
      rule.filter.split('/')[0] === prefix &&
      rule.filter.split('/')[1] !== undefined &&
      links.has(rule.filter.split('/')[1]!)
    )
      // The bridge's own outbound topics: a message from link L would be fed back into a link.
      throw new BridgeConfigError(
        `inbound[${i}].filter`,
        `${prefix}/<link>/… is where this bridge writes; read from another prefix`,
      )
  }
  const rpc = options.rpc ?? []
  for (const [i, rule] of rpc.entries()) {
    if (!links.has(rule.to) && !(hasServer && rule.to === SERVER_LINK))
      throw new BridgeConfigError(`rpc[${i}].to`, `no link named "${rule.to}"`)
    for (const fn of rule.functions)
      if (!Number.isInteger(fn) || fn < 0 || fn > 65535)
        throw new BridgeConfigError(`rpc[${i}].functions`, `expected integers in 0–65535, got ${String(fn)}`)
  }
  const registers = (options.registers ?? []).map((rule, i) => registerRule(rule, i, links))
  for (const [i, rule] of registers.entries())
    if (registers.findIndex((other) => other.to === rule.to) !== i)
      throw new BridgeConfigError(`registers[${i}].to`, `link "${rule.to}" has a rule already: one per link`)
  return {
    id: options.id,
    prefix,
    mqtt: options.mqtt,
    outbound: {
      identities: new Set(options.outbound?.identities ?? ['*']),
      targets: new Set(options.outbound?.targets ?? ['*']),
    },
    inbound,
    rpc,
    registers,
    queues: {
      toMqtt: positive('queues.toMqtt', options.queues?.toMqtt, 10_000),
      toPavillion: positive('queues.toPavillion', options.queues?.toPavillion, 64, 65535),
      rpcCalls: positive('queues.rpcCalls', options.queues?.rpcCalls, 64),
    },
    discovery: discoveryOptions(options.discovery),
    timeout: positive('timeout', options.timeout, 2000),
    logger: options.logger,
  }
}
