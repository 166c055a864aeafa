import type { AbortOptions, ClientInfo, OpcodeEvent } from '@pavillion/core'
import { AppOpcode, CoreTarget, decodeAppPayload, encodeApp, isFullTag, type TagBody } from '@pavillion/wire'
import { Broker, type BrokerStats } from './broker.ts'
import { type TagUpdate, tagUpdateOf } from './core-messages.ts'
import type { ServerFacade } from './facades.ts'
import { InFlightLimiter } from './in-flight.ts'
import { SessionInterests } from './interests.ts'
import {
  ANNOUNCE_SETTLE_TIME,
  DEFAULT_MAX_IN_FLIGHT_PER_PEER,
  DEFAULT_MAX_TAGS,
  DEFAULT_MAX_TARGETS,
  DEFAULT_STREAM_BUFFER,
  TAG_FUTURE_TOLERANCE_US,
} from './limits.ts'
import { encodePublication, isLocalTarget, type Message } from './message.ts'
import { type PublishOptions, positiveInteger, timeoutOf } from './options.ts'
import { PubSubBase, type PubSubEventMap, type PubSubStats } from './pubsub-base.ts'
import { type ClientSelector, selectClients } from './recipients.ts'
import { type PublishReport, sentReport } from './report.ts'
import { TagClock } from './tag-clock.ts'

/** Options of a `ServerPubSub`; every bound is documented in the README. */
export interface ServerPubSubOptions {
  /** Re-publish every client's messages to the other clients (PROTOCOL.md §10.4). Default false. */
  readonly broker?: boolean
  /** Distinct targets with local listeners; also the targets remembered per client session that subscribes (opcode 13). Default 1024. */
  readonly maxTargets?: number
  /** Reliable publishes in flight per client; more are refused with a BackpressureError. Default 256. */
  readonly maxInFlightPerPeer?: number
  /** Default buffer of `messages()` streams. Default 1024. */
  readonly streamBufferSize?: number
  /** Tags remembered (timestamps, writability) for `onTagWrite`. Default 4096. */
  readonly maxTags?: number
}

/** Options of `ServerPubSub.publish`. */
export interface ServerPublishOptions extends PublishOptions {
  /** The clients to publish to: session keys, client IDs / identities, or addresses. Default: every client. */
  readonly to?: readonly ClientSelector[]
}

/** Counters of a server's pub/sub object. */
export interface ServerPubSubStats extends PubSubStats, BrokerStats {
  /** Copies not sent (publishes and brokered messages) because the client said it does not listen to the target. */
  filtered: number
}

/**
 * Pub/sub for a server: receives what clients publish, publishes to its
 * clients (all, or chosen ones), announces the targets it listens to
 * (opcodes 13/14), and optionally brokers client messages to the other clients.
 *
 * Subscription filtering: a client that says which targets it listens to
 * (opcodes 13/14, as `ClientPubSub` does) is sent only those; a client that
 * never said anything (a reference client) is sent everything. Opcode 13 goes
 * to reference clients only when this server subscribes to a target, and
 * never to a session younger than `ANNOUNCE_SETTLE_TIME` (a reference client
 * may still re-key then, and would wait for acknowledgements from its old key
 * for 240 s); opcode 14, which reference clients take for a subscribe, goes
 * only to clients that spoke 13/14 themselves.
 *
 * @example
 * ```ts
 * const ps = new ServerPubSub(server, { broker: true })
 * for await (const m of ps.messages('lights', { signal })) console.log(m.sender.clientId, m.name)
 * await ps.publish('alarms', 'door', Uint8Array.of(1), { to: [clientId] })
 * ```
 */
export class ServerPubSub extends PubSubBase<ClientInfo, ServerPublishOptions, PubSubEventMap> {
  readonly #server: ServerFacade
  readonly #broker: Broker | undefined
  readonly #brokerStats: BrokerStats = { brokered: 0, brokerDropped: 0 }
  readonly #tags: TagClock
  /** Writability of the tags this server declared, oldest first; bounded like `#tags`. */
  readonly #declared = new Map<string, boolean>()
  readonly #maxTags: number
  readonly #interests: SessionInterests
  /** When each session opened (server clock), for the announcement settle time. */
  readonly #openedAt = new Map<string, number>()
  #filtered = 0

  /**
   * Attaches to `server`: takes its opcodes 1, 3, 13 and 14 (one pub/sub object per server).
   * @throws InvalidArgumentError when another object already handles one of them, or for an invalid option
   */
  constructor(server: ServerFacade, options: ServerPubSubOptions = {}) {
    const limiter = new InFlightLimiter(options.maxInFlightPerPeer ?? DEFAULT_MAX_IN_FLIGHT_PER_PEER)
    super(
      positiveInteger('maxTargets', options.maxTargets ?? DEFAULT_MAX_TARGETS),
      positiveInteger('streamBufferSize', options.streamBufferSize ?? DEFAULT_STREAM_BUFFER),
      limiter,
    )
    this.#server = server
    this.#maxTags = positiveInteger('maxTags', options.maxTags ?? DEFAULT_MAX_TAGS)
    this.#tags = new TagClock(this.#maxTags)
    this.#interests = new SessionInterests(
      positiveInteger('maxTargets', options.maxTargets ?? DEFAULT_MAX_TARGETS),
    )
    this.#broker =
      options.broker === true
        ? new Broker(server, limiter, this.#brokerStats, (key, target) => this.#wants(key, target))
        : undefined
    const forward = this.#broker && ((message: Message<ClientInfo>) => this.#broker?.forward(message))
    try {
      this.onClose(server.handle(AppOpcode.Reliable, (event) => this.receive(event, forward)))
      this.onClose(server.handle(AppOpcode.Unreliable, (event) => this.receive(event, forward)))
      const topic = { duplicates: true }
      this.onClose(server.handle(AppOpcode.Subscribe, (event) => this.#onTopic(event, true), topic))
      this.onClose(server.handle(AppOpcode.Unsubscribe, (event) => this.#onTopic(event, false), topic))
    } catch (error) {
      this.close()
      throw error
    }
    this.onClose(server.on('session:opened', ({ client }) => this.#openedAt.set(client.key, server.now())))
    this.onClose(
      server.on('session:closed', ({ client }) => {
        this.#openedAt.delete(client.key)
        this.#interests.drop(client.key)
      }),
    )
    const onEndpointClosed = () => this.close()
    if (server.signal.aborted) this.close()
    else {
      server.signal.addEventListener('abort', onEndpointClosed, { once: true })
      this.onClose(() => server.signal.removeEventListener('abort', onEndpointClosed))
    }
  }

  /**
   * Publishes to clients: every client in session, or those `options.to`
   * selects — except clients that said they do not listen to `target`
   * (counted in `stats().filtered`). Each client gets its own sealed copy. Reliable (default): each
   * copy is retransmitted with that client's RTT until it acknowledges or the
   * timeout; resolves with the report (`partial` when some clients did not
   * acknowledge). Unreliable: resolves once sent, `recipients` naming the clients.
   *
   * Rejects with `NoAcknowledgementError` (nobody acknowledged, or no client
   * matched), `BackpressureError` (one of the clients already has
   * `maxInFlightPerPeer` reliable publishes in flight — nothing is sent then —
   * or the engine's global cap was hit), `ClosedError`, or `signal.reason`.
   * @throws InvalidArgumentError synchronously for invalid arguments
   */
  publish(
    target: string,
    name: string,
    payload: Uint8Array,
    options: ServerPublishOptions = {},
  ): Promise<PublishReport<ClientInfo>> {
    const reliable = options.reliable ?? true
    const timeout = timeoutOf(options.timeout)
    const plaintext = encodePublication(reliable, target, name, payload)
    const { signal } = options
    const refused = this.refusal(signal)
    if (refused !== undefined) return refused
    const to = selectClients(this.#server.sessions(), options.to)
      .map((client) => client.key)
      .filter((key) => this.#wants(key, target))
    const base = { target, name, expected: 'all' } as const
    if (!reliable) {
      try {
        return Promise.resolve(sentReport(base, this.#server.send(plaintext, { to })))
      } catch (error) {
        return Promise.reject(error)
      }
    }
    return this.tracked(base, to, () =>
      to.length === 0
        ? undefined
        : this.#server.sendTracked(plaintext, {
            to,
            timeout,
            expect: 'all',
            ...(signal === undefined ? {} : { signal }),
          }).tracked,
    )
  }

  /** The server's monotonic clock in µs: the clock of tag timestamps (PROTOCOL.md §13). */
  nowUs(): bigint {
    return BigInt(Math.round(this.#server.now() * 1000))
  }

  /**
   * Declares a tag (see the base method) and remembers its timestamp and
   * writability for `onTagWrite`.
   */
  override publishTag(
    name: string,
    tag: TagBody,
    options?: ServerPublishOptions,
  ): Promise<PublishReport<ClientInfo>> {
    const published = super.publishTag(name, tag, options)
    // A full declaration carries the flags byte (absent writable = 0, not writable).
    this.#remember(name, isFullTag(tag) ? tag.writable === true : undefined, tag.timestampUs)
    return published
  }

  /** Publishes a tag's new value (see the base method) and remembers its timestamp for `onTagWrite`. */
  override publishTagValue(
    name: string,
    value: number,
    timestampUs: bigint,
    options?: ServerPublishOptions,
  ): Promise<PublishReport<ClientInfo>> {
    const published = super.publishTagValue(name, value, timestampUs, options)
    this.#remember(name, undefined, timestampUs)
    return published
  }

  /**
   * Tag write requests from clients (`core.tagv`), after the rules of
   * PROTOCOL.md §13: ignored when the tag was declared here not writable,
   * when the value is older than the tag's last timestamp (declared or
   * written), or stamped more than 60 s into this server's future (see
   * `nowUs()`). Ignored writes are counted in `stats().coreIgnored`. An
   * accepted write becomes the tag's last timestamp. Returns the remover.
   */
  onTagWrite(handler: (update: TagUpdate<ClientInfo>) => void, options: AbortOptions = {}): () => void {
    return this.subscribe(
      CoreTarget.TagValue,
      (message) => {
        const update = tagUpdateOf(message)
        const timestamp = update?.timestampUs
        if (
          update === undefined ||
          timestamp === undefined ||
          this.#declared.get(update.name) === false ||
          timestamp > this.nowUs() + TAG_FUTURE_TOLERANCE_US ||
          !this.#tags.accept(update.name, timestamp)
        ) {
          this.counters.coreIgnored++
          return
        }
        handler(update)
      },
      options,
    )
  }

  /** A snapshot of the counters, broker mode's included. */
  override stats(): ServerPubSubStats {
    return { ...super.stats(), ...this.#brokerStats, filtered: this.#filtered }
  }

  protected override targetAdded(target: string): void {
    if (isLocalTarget(target)) return
    const settled = this.#server.now() - ANNOUNCE_SETTLE_TIME
    const to = this.#server
      .sessions()
      .map((client) => client.key)
      .filter((key) => this.#interests.declared(key) || (this.#openedAt.get(key) ?? settled) <= settled)
    this.#announce(encodeApp({ type: 'subscribe', target }), to)
  }

  protected override targetRemoved(target: string): void {
    if (isLocalTarget(target) || this.closed) return
    const to = this.#server
      .sessions()
      .map((client) => client.key)
      .filter((key) => this.#interests.declared(key))
    this.#announce(encodeApp({ type: 'unsubscribe', target }), to)
  }

  protected override beforeClose(): void {
    for (const target of this.listenedTargets()) this.targetRemoved(target)
  }

  /** Tells some clients about a target; unreliable, like the reference (PROTOCOL.md §7.6). */
  #announce(plaintext: Uint8Array, to: readonly string[]): void {
    if (to.length === 0) return
    try {
      this.#server.send(plaintext, { to })
    } catch {
      // Closing: nobody left to tell.
    }
  }

  #wants(key: string, target: string): boolean {
    if (this.#interests.wants(key, target)) return true
    this.#filtered++
    return false
  }

  /**
   * A client says it listens (13) or no longer listens (14) to a target: it
   * is acknowledged (our clients send these tracked; a duplicate is
   * acknowledged again), applied, and a client speaking for the first time
   * learns every target this server listens to (it is one of ours: no re-key race).
   */
  #onTopic(event: OpcodeEvent<ClientInfo>, listening: boolean): void {
    if (this.closed) return
    const key = event.sender.key
    this.#announce(encodeApp({ type: 'ack', counter: event.counter }), [key])
    const message = decodeAppPayload(event.opcode, event.payload)
    if (message.type !== 'subscribe' && message.type !== 'unsubscribe') return
    if (this.#interests.apply(key, message.target, listening, event.counter) !== 'first') return
    for (const target of this.listenedTargets()) {
      if (!isLocalTarget(target)) this.#announce(encodeApp({ type: 'subscribe', target }), [key])
    }
  }

  #remember(name: string, writable: boolean | undefined, timestampUs: bigint | undefined): void {
    if (writable !== undefined) {
      this.#declared.delete(name)
      this.#declared.set(name, writable)
      if (this.#declared.size > this.#maxTags)
        this.#declared.delete(this.#declared.keys().next().value as string)
    }
    if (timestampUs !== undefined) this.#tags.record(name, timestampUs)
  }
}
