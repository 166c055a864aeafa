import type {
  AbortOptions,
  ClientInfo,
  EndpointStats,
  PeerAddress,
  Server,
  ServerEventMap,
} from '@pavillion/core'
import { Emitter, type Listener } from '@pavillion/core'
import type { Advertisement } from '@pavillion/discovery'
import type {
  Handler,
  Message,
  MessageStream,
  PublishReport,
  ServerPublishOptions,
  ServerPubSub,
  ServerPubSubStats,
  StreamOptions,
} from '@pavillion/pubsub'
import type { RegistersServer, RegistersServerStats } from '@pavillion/registers'
import type { RpcServer, RpcServerStats } from '@pavillion/rpc'
import { InFlight } from '../in-flight.ts'
import { bytesOf, type Payload } from '../payload.ts'

type Detail<T> = Omit<T, 'type'>

/** The events of a {@link PavillionServer}, by name, with what their listeners receive (see `on`). */
export interface PavillionServerEvents {
  /** A client completed its handshake. */
  'session:opened': Detail<ServerEventMap['session:opened']>
  /** A client's session ended: `quit`, `timeout`, `evicted`, `replaced` or `closed`. */
  'session:closed': Detail<ServerEventMap['session:closed']>
  /** A registered ECC client sent its secret key in a nonce request (PROTOCOL.md D1): replace that key. */
  'security:leaked-secret-key': Detail<ServerEventMap['security:leaked-secret-key']>
  /**
   * A handshake was refused: an unknown client ID (or unknown ECC key with
   * guests off), or a PSK hash / ECC box that did not verify. Carries the
   * address and the claimed client ID, never key material.
   */
  'handshake:rejected': Detail<ServerEventMap['handshake:rejected']>
  /** A transport problem that did not stop the server, or a listener that threw. */
  error: ServerEventMap['error']
}

/** Counters of every layer of a server. */
export interface PavillionServerStats {
  readonly engine: EndpointStats
  readonly rpc: RpcServerStats
  readonly pubsub: ServerPubSubStats
  readonly registers: RegistersServerStats
  /** Handshakes refused (each `handshake:rejected` event), since the server started. */
  readonly rejectedHandshakes: number
}

/** The parts `createServer` assembles a server from. */
export interface ServerParts {
  readonly core: Server
  readonly rpc: RpcServer
  readonly pubsub: ServerPubSub
  readonly registers: RegistersServer
  readonly address: PeerAddress
  readonly sendAddress: PeerAddress
  /** Undoes what was attached besides the three objects (the file service, the advertisement). */
  readonly cleanup: () => void | Promise<void>
  /** The mDNS advertisement, when the server advertises. */
  readonly advertisement?: Advertisement | undefined
}

/**
 * A Pavillion server with RPC and pub/sub attached; create it with
 * `createServer()`. Register functions on `rpc`, receive with `subscribe` or
 * `messages`, push to clients with `publish`. Closing is idempotent and
 * `await using` closes it.
 *
 * @example
 * ```ts
 * await using server = await createServer({ clients: { psk: { 'kitchen-sensor-1': psk } } })
 * server.rpc.handle(401, (args) => args, { name: 'echo401' })
 * server.subscribe('lights', (m) => console.log(m.sender.key, m.name))
 * await server.publish('alarms', 'door', 'open')
 * ```
 */
export class PavillionServer {
  readonly #events = new Emitter<PavillionServerEvents>()
  /** The engine facade (sessions, raw sends, engine counters). */
  readonly core: Server
  /** Numbered functions: `rpc.handle(fn, handler, { name })`. */
  readonly rpc: RpcServer
  /** The full pub/sub object (tags, alerts, broker counters). */
  readonly pubsub: ServerPubSub
  /** Registers: `registers.declare({ register, name, datatype, value, writer })`, `set(value)` notifies observers. */
  readonly registers: RegistersServer
  /** Where the server listens (the port clients send to). */
  readonly address: PeerAddress
  /** Where its datagrams leave from (what clients see as the server's address). */
  readonly sendAddress: PeerAddress
  /** The mDNS advertisement (`advertise` option): its `name` is the one held after any rename. */
  readonly advertisement: Advertisement | undefined
  readonly #cleanup: () => void | Promise<void>
  #closing: Promise<void> | undefined
  readonly #inFlight = new InFlight()
  #rejectedHandshakes = 0

  /** Use `createServer()`; this wires already-built parts together. */
  constructor(parts: ServerParts) {
    this.core = parts.core
    this.rpc = parts.rpc
    this.pubsub = parts.pubsub
    this.registers = parts.registers
    this.address = parts.address
    this.sendAddress = parts.sendAddress
    this.#cleanup = parts.cleanup
    this.advertisement = parts.advertisement
    const { core } = parts
    core.on('session:opened', ({ client }) => this.#events.emit('session:opened', { client }))
    core.on('session:closed', ({ client, reason }) => this.#events.emit('session:closed', { client, reason }))
    core.on('security:leaked-secret-key', ({ clientId, address }) =>
      this.#events.emit('security:leaked-secret-key', { clientId, address }),
    )
    core.on('handshake:rejected', ({ address, clientId, reason }) => {
      this.#rejectedHandshakes++
      this.#events.emit('handshake:rejected', { address, clientId, reason })
    })
    core.on('error', ({ error }) => this.#events.emit('error', { error }))
  }

  /**
   * Adds a listener of event `type` and returns its remover; `{ signal }`
   * removes it on abort. The same mechanism as the engine's and the layers'
   * `on()`: a listener that throws does not stop the others and never
   * escapes; its exception is emitted as an `error` event (`{ error }`).
   *
   * @example
   * ```ts
   * server.on('session:opened', ({ client }) => console.log(client.key), { signal })
   * ```
   */
  on<K extends keyof PavillionServerEvents>(
    type: K,
    listener: Listener<PavillionServerEvents[K]>,
    options?: AbortOptions,
  ): () => void {
    return this.#events.on(type, listener, options)
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Aborts when the server closes: hand it to work that must stop with it. */
  get signal(): AbortSignal {
    return this.core.signal
  }

  /** Every client with an established session. */
  sessions(): ClientInfo[] {
    return this.core.sessions()
  }

  /**
   * Publishes to clients (all, or `options.to`: session keys, client IDs or
   * addresses). Reliable by default: resolves with the delivery report once
   * every recipient acknowledged or the timeout passed (`partial`).
   * Rejects with `NoAcknowledgementError`, `BackpressureError`, `ClosedError`
   * or `signal.reason`.
   * @throws InvalidArgumentError synchronously for invalid arguments
   */
  publish(
    target: string,
    name: string,
    payload: Payload,
    options?: ServerPublishOptions,
  ): Promise<PublishReport<ClientInfo>> {
    return this.#inFlight.track(this.pubsub.publish(target, name, bytesOf(payload, 'payload'), options))
  }

  /**
   * Calls `handler` for every message clients publish to `target` (`'*'`:
   * every target) until the returned function is called or `signal` aborts.
   * The first listener of a target announces it to the clients.
   */
  subscribe(target: string, handler: Handler<Message<ClientInfo>>, options?: AbortOptions): () => void {
    return this.pubsub.subscribe(target, handler, options)
  }

  /** The messages of `target` (`'*'`: all) as a bounded async iterable; leave the loop or abort to stop. */
  messages(target: string, options?: StreamOptions): MessageStream<Message<ClientInfo>> {
    return this.pubsub.messages(target, options)
  }

  /** A snapshot of the counters of every layer. */
  stats(): PavillionServerStats {
    return {
      engine: this.core.stats(),
      rpc: this.rpc.stats(),
      pubsub: this.pubsub.stats(),
      registers: this.registers.stats(),
      rejectedHandshakes: this.#rejectedHandshakes,
    }
  }

  /**
   * Tells every client goodbye (quit), settles pending sends, stops the RPC
   * and pub/sub layers and releases the sockets. Idempotent. A publish still
   * in flight that nobody awaits rejects quietly with `ClosedError`.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#inFlight.release()
      await this.#cleanup()
      this.registers.close()
      this.pubsub.close()
      this.rpc.close()
      await this.core.close()
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
