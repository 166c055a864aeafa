import {
  type ClientInfo,
  InvalidArgumentError,
  type PavillionClient,
  type PavillionServer,
  toHex,
} from 'pavillion'
import { DiscoveryPresence } from './discovered.ts'
import { Inbound, type Publisher } from './inbound.ts'
import { LoopGuard } from './loop-guard.ts'
import { type IncomingPublish, MqttLink, PUBACK } from './mqtt-link.ts'
import { type MqttBridgeOptions, type ResolvedOptions, resolveOptions, SERVER_LINK } from './options.ts'
import { type Origin, Outbound } from './outbound.ts'
import { Presence } from './presence.ts'
import { RegistersBridge } from './registers-bridge.ts'
import { RpcBridge } from './rpc-bridge.ts'
import { type BridgeStats, zeroCounters } from './stats.ts'

/** The Pavillion side of a bridge: its own server (clients connect to it) and/or client links to servers, by ID. */
export interface BridgeEndpoints {
  /** Messages its clients publish go to MQTT under their identity; their sessions are presence. */
  readonly server?: PavillionServer
  /** Client links, by ID (`[A-Za-z0-9_-]`): messages each server sends go to MQTT under the link ID; inbound rules and RPC go to them. */
  readonly links?: Readonly<Record<string, PavillionClient>>
}

const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/

const strict = new TextDecoder('utf-8', { fatal: true })

/** A client's identity as topics and allow-lists name it: its ID as text when printable, else hex. */
export function identityText(client: ClientInfo): string {
  const bytes = client.guest ? client.identity : client.clientId
  if (!client.guest) {
    try {
      const text = strict.decode(bytes)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
      if (text !== '' && !/[\u0000-\u001f\u007f]/.test(text)) return text
    } catch {}
  }
  return toHex(bytes)
}

/** How inbound rules publish: through each link to its server, and through the bridge's server to its clients. */
function publishers(
  links: ReadonlyMap<string, PavillionClient>,
  server: PavillionServer | undefined,
): Map<string, Publisher> {
  const map = new Map<string, Publisher>()
  for (const [id, link] of links) {
    map.set(id, async (target, name, payload, reliable, timeout) => {
      const report = await link.publish(target, name, payload, reliable ? { timeout } : { reliable: false })
      return !reliable || report.outcome === 'acknowledged'
    })
  }
  if (server !== undefined) {
    map.set(SERVER_LINK, async (target, name, payload, reliable, timeout) => {
      const report = await server.publish(target, name, payload, reliable ? { timeout } : { reliable: false })
      return !reliable || report.outcome === 'acknowledged'
    })
  }
  return map
}

/**
 * A bridge between Pavillion and an MQTT v5 broker. It does not own the
 * Pavillion endpoints it is given (close them after the bridge); it owns its
 * MQTT connection. The Pavillion side keeps running whatever the broker
 * does: the bridge reconnects with backoff and counts what it had to drop.
 *
 * @example
 * ```ts
 * const hall = await createClient({ address: '192.168.1.20:1783', clientId: 'bridge-site-a-01', psk })
 * await using bridge = new MqttBridge(
 *   { id: 'site-a', mqtt: { url: 'mqtt://broker.lan:1883' }, inbound: [{ filter: 'site-a/in/hall/#', to: 'hall' }] },
 *   { links: { hall } },
 * )
 * await bridge.ready()
 * ```
 */
export class MqttBridge {
  readonly #options: ResolvedOptions
  readonly #links: Map<string, PavillionClient>
  readonly #counters = zeroCounters()
  readonly #mqtt: MqttLink
  readonly #presence: Presence
  readonly #discovered: DiscoveryPresence
  readonly #inbound: Inbound
  readonly #rpc: RpcBridge
  readonly #registers: RegistersBridge
  readonly #stop = new AbortController()
  readonly #ready: Promise<void>
  #closing: Promise<void> | undefined

  /** @throws BridgeConfigError for options that cannot work (the message names the option) */
  constructor(options: MqttBridgeOptions, endpoints: BridgeEndpoints) {
    this.#links = new Map(Object.entries(endpoints.links ?? {}))
    for (const id of this.#links.keys()) {
      if (!LINK_ID.test(id))
        throw new InvalidArgumentError(`link ID "${id}": expected 1–64 of A–Z a–z 0–9 _ -`)
    }
    const server = endpoints.server
    this.#options = resolveOptions(options, new Set(this.#links.keys()), server !== undefined)
    const guard = new LoopGuard(10_000, 4096)
    this.#presence = new Presence(this.#options, () => this.#mqtt)
    this.#inbound = new Inbound(
      this.#options,
      publishers(this.#links, server),
      guard,
      this.#counters.toPavillion,
    )
    this.#rpc = new RpcBridge(this.#options, this.#links, () => this.#mqtt, this.#counters.rpc)
    this.#registers = new RegistersBridge(
      this.#options,
      this.#links,
      () => this.#mqtt,
      this.#counters.registers,
      this.#stop.signal,
    )
    let connected: () => void = () => {}
    this.#ready = new Promise((resolve) => {
      connected = resolve
    })
    this.#mqtt = new MqttLink({
      connection: this.#options.mqtt,
      clientId: this.#options.mqtt.clientId ?? `pavillion-bridge-${this.#options.id}`,
      statusTopic: this.#presence.bridgeTopic(),
      filters: [...this.#inbound.filters(), ...this.#rpc.filters(), ...this.#registers.filters()],
      receiveMaximum: this.#options.queues.toPavillion,
      onPublish: (message) => this.#incoming(message),
      onConnect: () => {
        this.#presence.republish()
        this.#discovered.republish()
        connected()
      },
      logger: this.#options.logger,
    })
    const outbound = new Outbound(this.#options, this.#mqtt, guard, this.#counters.toMqtt)
    const signal = this.#stop.signal
    if (server !== undefined) {
      const origin = (client: ClientInfo): Origin => ({
        link: SERVER_LINK,
        identity: identityText(client),
        key: client.key,
      })
      server.subscribe('*', (m) => outbound.bridge(origin(m.sender), m), { signal })
      for (const client of server.sessions()) this.#presence.set(identityText(client), 'online', 'session')
      server.on(
        'session:opened',
        (detail) => this.#presence.set(identityText(detail.client), 'online', 'session opened'),
        { signal },
      )
      server.on(
        'session:closed',
        (detail) => this.#presence.set(identityText(detail.client), 'offline', detail.reason),
        { signal },
      )
    }
    for (const [id, link] of this.#links) {
      link.subscribe('*', (m) => outbound.bridge({ link: id, identity: id, key: m.sender.key }, m), {
        signal,
      })
      if (link.servers().length > 0) this.#presence.set(id, 'online', 'connected')
      link.on(
        'server:connected',
        () => {
          this.#presence.set(id, 'online', 'connected')
          this.#registers.reconnected(id)
        },
        { signal },
      )
      link.on('server:disconnected', (detail) => this.#presence.set(id, 'offline', detail.reason), { signal })
    }
    this.#registers.start()
    this.#discovered = new DiscoveryPresence(this.#options, () => this.#mqtt, signal)
  }

  /** Resolves once the broker accepted the bridge the first time (the Pavillion side runs before that too). */
  ready(options?: { signal?: AbortSignal }): Promise<void> {
    const signal = options?.signal
    if (signal === undefined) return this.#ready
    signal.throwIfAborted()
    return new Promise((resolve, reject) => {
      const abort = () => reject(signal.reason)
      signal.addEventListener('abort', abort, { once: true })
      void this.#ready.then(() => {
        signal.removeEventListener('abort', abort)
        resolve()
      })
    })
  }

  /** True while the broker connection is up. */
  get connected(): boolean {
    return this.#mqtt.connected
  }

  /** A snapshot of every counter. */
  stats(): BridgeStats {
    const { connected, connects, reconnectAttempts } = this.#mqtt.stats()
    const c = this.#counters
    return {
      mqtt: { connected, connects, reconnectAttempts },
      toMqtt: { ...c.toMqtt },
      toPavillion: { ...c.toPavillion },
      rpc: { ...c.rpc },
      registers: { ...c.registers },
    }
  }

  /**
   * Stops bridging and browsing, marks what it reported online (or up) as offline (or down), publishes its
   * own `offline` status and disconnects (waiting at most `timeout` ms for
   * the broker). Idempotent.
   */
  close(timeout = 2000): Promise<void> {
    this.#closing ??= (async () => {
      this.#stop.abort()
      this.#presence.closeAll()
      await this.#discovered.close()
      await this.#mqtt.close(timeout)
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #incoming(message: IncomingPublish): Promise<number> {
    if (this.#stop.signal.aborted) return PUBACK.unspecifiedError
    const request = this.#rpc.parse(message.topic)
    if (request !== undefined) {
      this.#rpc.handle(request, message)
      return PUBACK.success
    }
    const write = this.#registers.parse(message.topic)
    if (write !== undefined) return this.#registers.write(write, message)
    const rule = this.#inbound.ruleFor(message.topic)
    if (rule === undefined) {
      this.#counters.toPavillion.refused++
      return PUBACK.notAuthorized
    }
    return this.#inbound.bridge(rule, message)
  }
}
