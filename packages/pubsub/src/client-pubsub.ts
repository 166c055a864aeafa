import { type AbortOptions, InvalidArgumentError, type OpcodeEvent, type ServerInfo } from '@pavillion/core'
import { AppOpcode, CoreTarget, type DeviceStatus, decodeAppPayload, encodeApp } from '@pavillion/wire'
import { type TagUpdate, tagUpdateOf } from './core-messages.ts'
import type { ClientFacade } from './facades.ts'
import { InFlightLimiter } from './in-flight.ts'
import {
  DEFAULT_MAX_IN_FLIGHT_PER_PEER,
  DEFAULT_MAX_SUBSCRIBER_TARGETS,
  DEFAULT_MAX_TAGS,
  DEFAULT_MAX_TARGETS,
  DEFAULT_STREAM_BUFFER,
  SUBSCRIBER_EXPIRY,
  TOPIC_TIMEOUT,
} from './limits.ts'
import { ALL_TARGETS, encodePublication, type Message } from './message.ts'
import { type PublishOptions, positiveInteger, timeoutOf } from './options.ts'
import { PubSubBase, type PubSubEventMap } from './pubsub-base.ts'
import { type ExpectedPeers, type PublishReport, sentReport } from './report.ts'
import { SubscriberTable } from './subscribers.ts'
import { TagClock } from './tag-clock.ts'

/** Options of a `ClientPubSub`; every bound is documented in the README. */
export interface ClientPubSubOptions {
  /** A subscriber record lives this long after its last refresh, ms. Default 240 000 (PROTOCOL.md §9.2). */
  readonly subscriberExpiry?: number
  /** Targets whose subscribers are tracked; the least recently refreshed is forgotten past it. Default 1024. */
  readonly maxSubscriberTargets?: number
  /** Distinct targets with local listeners. Default 1024. */
  readonly maxTargets?: number
  /** Reliable publishes in flight per server; more are refused with a BackpressureError. Default 256. */
  readonly maxInFlightPerPeer?: number
  /** Default buffer of `messages()` streams. Default 1024. */
  readonly streamBufferSize?: number
  /** Tag timestamps remembered (per server and tag) for `onTag`. Default 4096. */
  readonly maxTags?: number
}

/** Options of `ClientPubSub.publish`. */
export interface ClientPublishOptions extends PublishOptions {
  /**
   * Whose acknowledgement a reliable publish waits for. `subscribers`
   * (default): the known subscribers of the target that are connected — or,
   * when none is known, every connected server (`report.expected` then says
   * `all`); `all`: every connected server (servers that connect meanwhile
   * are awaited too); `any`: the first acknowledgement from anyone, like the
   * reference's wildcard. Another value (e.g. `connected`, `all`'s old
   * name) is refused with `ERR_INVALID_ARGUMENT`.
   */
  readonly expect?: ExpectedPeers
}

/** What a client's pub/sub object emits. */
export interface ClientPubSubEventMap extends PubSubEventMap {
  /** A server's status bytes changed (re-emitted from the engine's `server:status`). */
  status: { readonly server: ServerInfo; readonly status: DeviceStatus }
  /** A server became a subscriber of `target` (it acknowledged a message of it, or announced it). */
  subscribed: { readonly target: string; readonly server: ServerInfo }
  /** A server stopped being a subscriber: it announced so (opcode 14) or disconnected. Expiry is silent. */
  unsubscribed: {
    readonly target: string
    readonly server: ServerInfo
    readonly reason: 'unsubscribe' | 'disconnect'
  }
}

/** The limiter key of "the destination" while no server is connected. */
const DESTINATION = ''
const EXPECTATIONS: readonly ExpectedPeers[] = ['subscribers', 'all', 'any']

/**
 * Pub/sub for a client: publishes to its server(s) — one server, or every
 * server of a multicast group — and receives what servers publish.
 *
 * It tells each server the targets it listens to (opcode 13 when a server
 * connects and on each first listener of a target, 14 on the last one; a
 * wildcard listener says `'*'`), acknowledged by our servers, which then send
 * it only those targets. Reference servers ignore both opcodes.
 *
 * @example
 * ```ts
 * const ps = new ClientPubSub(client)
 * ps.subscribe('alarms', (m) => console.log(m.sender.key, m.name, m.payload))
 * const report = await ps.publish('lights', 'kitchen', Uint8Array.of(1))
 * console.log(report.acked.map((s) => s.key), report.missing)
 * ```
 */
export class ClientPubSub extends PubSubBase<ServerInfo, ClientPublishOptions, ClientPubSubEventMap> {
  readonly #client: ClientFacade
  readonly #subscribers: SubscriberTable
  readonly #tags: TagClock

  /**
   * Attaches to `client`: takes its opcodes 1, 3, 13 and 14 (one pub/sub object per client).
   * @throws InvalidArgumentError when another object already handles one of them, or for an invalid option
   */
  constructor(client: ClientFacade, options: ClientPubSubOptions = {}) {
    super(
      positiveInteger('maxTargets', options.maxTargets ?? DEFAULT_MAX_TARGETS),
      positiveInteger('streamBufferSize', options.streamBufferSize ?? DEFAULT_STREAM_BUFFER),
      new InFlightLimiter(options.maxInFlightPerPeer ?? DEFAULT_MAX_IN_FLIGHT_PER_PEER),
    )
    this.#client = client
    this.#subscribers = new SubscriberTable(
      options.subscriberExpiry ?? SUBSCRIBER_EXPIRY,
      options.maxSubscriberTargets ?? DEFAULT_MAX_SUBSCRIBER_TARGETS,
    )
    this.#tags = new TagClock(options.maxTags ?? DEFAULT_MAX_TAGS)
    try {
      this.onClose(client.handle(AppOpcode.Reliable, (event) => this.receive(event)))
      this.onClose(client.handle(AppOpcode.Unreliable, (event) => this.receive(event)))
      this.onClose(client.handle(AppOpcode.Subscribe, (event) => this.#learn(event)))
      this.onClose(client.handle(AppOpcode.Unsubscribe, (event) => this.#unlearn(event)))
    } catch (error) {
      this.close()
      throw error
    }
    this.onClose(client.on('server:disconnected', ({ server }) => this.#forget(server)))
    this.onClose(client.on('server:connected', ({ server }) => this.#declareTo(server.key)))
    this.onClose(
      client.on('server:status', ({ server, status }) => this.events.emit('status', { server, status })),
    )
    const onEndpointClosed = () => this.close()
    if (client.signal.aborted) this.close()
    else {
      client.signal.addEventListener('abort', onEndpointClosed, { once: true })
      this.onClose(() => client.signal.removeEventListener('abort', onEndpointClosed))
    }
  }

  /**
   * Publishes to the server(s). Reliable (default): retransmitted with each
   * server's RTT until the expected servers acknowledged (see
   * `options.expect`) or the timeout; a server that acknowledged is not sent
   * the message again while the others are. Resolves with the report
   * (`partial` when some expected servers did not acknowledge).
   * Unreliable: resolves once sent (queued while no server is connected).
   *
   * Rejects with `NoAcknowledgementError` (nobody acknowledged before the
   * timeout), `BackpressureError` (a server has `maxInFlightPerPeer` publishes
   * in flight, or the engine's queues are full), `ClosedError`, or
   * `signal.reason` on abort.
   * @throws InvalidArgumentError synchronously for invalid arguments, or for an `expect` that is
   * no `ExpectedPeers`
   */
  publish(
    target: string,
    name: string,
    payload: Uint8Array,
    options: ClientPublishOptions = {},
  ): Promise<PublishReport<ServerInfo>> {
    const reliable = options.reliable ?? true
    const timeout = timeoutOf(options.timeout)
    const expect = options.expect ?? 'subscribers'
    if (!EXPECTATIONS.includes(expect)) {
      throw new InvalidArgumentError(
        `"expect" expected one of ${EXPECTATIONS.join(', ')}, got ${JSON.stringify(expect)}`,
      )
    }
    const plaintext = encodePublication(reliable, target, name, payload)
    const { signal } = options
    const refused = this.refusal(signal)
    if (refused !== undefined) return refused
    const connected = this.#client.servers()
    if (!reliable) {
      try {
        this.#client.send(plaintext)
      } catch (error) {
        return Promise.reject(error)
      }
      return Promise.resolve(sentReport({ target, name, expected: 'all' }, connected))
    }
    let expected = expect
    let servers: string[] | undefined
    if (expect === 'subscribers') {
      const live = new Set(connected.map((server) => server.key))
      servers = this.subscribers(target)
        .filter((server) => live.has(server.key))
        .map((server) => server.key)
      if (servers.length === 0) {
        servers = undefined
        expected = 'all'
      }
    }
    const keys = servers ?? connected.map((server) => server.key)
    return this.tracked(
      { target, name, expected },
      keys.length > 0 ? keys : [DESTINATION],
      () =>
        this.#client.sendTracked(plaintext, {
          timeout,
          expect: expected === 'any' ? 'any' : 'all',
          ...(servers === undefined ? {} : { servers }),
          ...(signal === undefined ? {} : { signal }),
        }),
      (delivery) => this.#refresh(target, delivery.acked),
    )
  }

  /** The servers known to subscribe to `target` (acknowledged it or announced it within the expiry). */
  subscribers(target: string): ServerInfo[] {
    return this.#subscribers.list(target, this.#client.now())
  }

  /** The latest status bytes of a server (decoded), once it sent an acknowledgement carrying them. */
  status(serverKey: string): DeviceStatus | undefined {
    return this.#client.serverState(serverKey)?.status
  }

  /**
   * The current time on a server's monotonic clock, µs (the clock tag
   * timestamps use), once its clock offset is known (after
   * `client.requestTimeSync()` or an opcode 16); undefined before.
   */
  serverTimeUs(serverKey: string): bigint | undefined {
    const offset = this.#client.serverState(serverKey)?.clockOffset
    if (offset === undefined) return undefined
    return BigInt(Math.round((this.#client.now() - offset) * 1000))
  }

  /**
   * Tag declarations (`core.tag`) and values (`core.tagv`) from servers, after
   * the timestamp rule of PROTOCOL.md §13: a value older than the last one
   * seen for that tag from that server is ignored (counted in
   * `stats().coreIgnored`, like malformed bodies). Returns the remover.
   */
  onTag(handler: (update: TagUpdate<ServerInfo>) => void, options: AbortOptions = {}): () => void {
    const listener = (message: Message<ServerInfo>) => {
      const update = tagUpdateOf(message)
      const timestamp = update?.timestampUs
      if (
        update === undefined ||
        (timestamp !== undefined && !this.#tags.accept(`${update.sender.key}\n${update.name}`, timestamp))
      ) {
        this.counters.coreIgnored++
        return
      }
      handler(update)
    }
    const removers = [
      this.subscribe(CoreTarget.Tag, listener, options),
      this.subscribe(CoreTarget.TagValue, listener, options),
    ]
    return () => {
      for (const remove of removers) remove()
    }
  }

  protected override targetAdded(target: string): void {
    this.#declare(target, true)
  }

  protected override targetRemoved(target: string): void {
    this.#declare(target, false)
  }

  /** A server connected: it learns every target this client listens to (listening to none, it says nothing and is sent everything). */
  #declareTo(serverKey: string): void {
    for (const target of this.listenedTargets()) this.#declare(target, true, [serverKey])
  }

  /**
   * Says (13) or unsays (14) `target` to the connected servers (or `servers`),
   * acknowledged and retransmitted until `TOPIC_TIMEOUT`; the outcome is not
   * awaited (a reference server never acknowledges). If it cannot be sent
   * (the engine's queues are full) the client asks for every target instead.
   */
  #declare(target: string, listening: boolean, servers?: readonly string[]): void {
    if (this.closed) return
    const to = servers ?? this.#client.servers().map((server) => server.key)
    if (to.length === 0) return
    const plaintext = encodeApp({ type: listening ? 'subscribe' : 'unsubscribe', target })
    try {
      const { done } = this.#client.sendTracked(plaintext, { servers: to, timeout: TOPIC_TIMEOUT })
      done.catch(() => {})
    } catch {
      try {
        this.#client.send(encodeApp({ type: 'subscribe', target: ALL_TARGETS }))
      } catch {
        // Closing.
      }
    }
  }

  protected override beforeClose(): void {}

  #refresh(target: string, acked: readonly ServerInfo[]): void {
    if (target === '' || this.closed) return
    const now = this.#client.now()
    for (const server of acked) {
      if (this.#subscribers.touch(target, server, now)) this.events.emit('subscribed', { target, server })
    }
  }

  #learn(event: OpcodeEvent<ServerInfo>): void {
    const message = decodeAppPayload(event.opcode, event.payload)
    const peer = event.sender
    if (message.type !== 'subscribe' || message.target === '' || this.closed) return
    if (this.#subscribers.touch(message.target, peer, this.#client.now())) {
      this.events.emit('subscribed', { target: message.target, server: peer })
    }
  }

  #unlearn(event: OpcodeEvent<ServerInfo>): void {
    const message = decodeAppPayload(event.opcode, event.payload)
    const peer = event.sender
    if (message.type !== 'unsubscribe' || this.closed) return
    const removed = this.#subscribers.remove(message.target, peer.key, this.#client.now())
    if (removed !== undefined) {
      this.events.emit('unsubscribed', { target: message.target, server: peer, reason: 'unsubscribe' })
    }
  }

  #forget(server: ServerInfo): void {
    for (const target of this.#subscribers.dropServer(server.key, this.#client.now())) {
      this.events.emit('unsubscribed', { target, server, reason: 'disconnect' })
    }
  }
}
