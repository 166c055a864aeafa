import type {
  AbortOptions,
  Client,
  ClientEventMap,
  ClientState,
  EndpointStats,
  PeerAddress,
  ServerConnection,
  ServerInfo,
  TrackedSendOptions,
} from '@pavillion/core'
import { Emitter, type Listener } from '@pavillion/core'
import type {
  ClientPublishOptions,
  ClientPubSub,
  Handler,
  Message,
  MessageStream,
  PublishReport,
  PubSubStats,
  StreamOptions,
} from '@pavillion/pubsub'
import type { RegistersClient } from '@pavillion/registers'
import type { CallAllResult, CallOptions, ReadFileOptions, RpcClient, WriteFileOptions } from '@pavillion/rpc'
import type { Descriptor, DeviceStatus, FileEntry, Identity } from '@pavillion/wire'
import { InFlight } from '../in-flight.ts'
import { bytesOf, type Payload } from '../payload.ts'
import { AuthRefusal } from './auth-refusal.ts'
import type { ServerFollower, ServerMovedDetail } from './discovered-server.ts'

type Detail<T> = Omit<T, 'type'>

/** The events of a {@link PavillionClient}, by name, with what their listeners receive (see `on`). */
export interface PavillionClientEvents {
  /** `client.state` changed: `{ state, previous }` (see `state`), before the server event that caused it. */
  'state:changed': Detail<ClientEventMap['state:changed']>
  /** A server completed the handshake (after a restart too). */
  'server:connected': Detail<ClientEventMap['server:connected']>
  /** A server said goodbye, went silent, or was replaced by a restarted one. */
  'server:disconnected': Detail<ClientEventMap['server:disconnected']>
  /** A server's status bytes (battery, network, temperature) changed. */
  'server:status': Detail<ClientEventMap['server:status']>
  /** A server does not know this client ID: check `clientId` (reported once, then retries slow down). */
  'server:invalid-client-id': Detail<ClientEventMap['server:invalid-client-id']>
  /** A server found by discovery moved (new address or port): the client now sends there. */
  'server:moved': ServerMovedDetail
  /** The server answered but does not accept our key (a wrong PSK, an unregistered ECC key). */
  'server:auth-failed': Detail<ClientEventMap['server:auth-failed']>
  /** A time sync measured a server's clock offset. */
  'time:sync': Detail<ClientEventMap['time:sync']>
  /** A transport problem that did not stop the client (e.g. `EHOSTUNREACH`), or a listener that threw. */
  error: ClientEventMap['error']
}

/** Counters of every layer of a client. */
export interface PavillionClientStats {
  readonly engine: EndpointStats
  readonly pubsub: PubSubStats
}

/** The parts `createClient` assembles a client from. */
export interface ClientParts {
  readonly core: Client
  readonly rpc: RpcClient
  readonly pubsub: ClientPubSub
  readonly registers: RegistersClient
  readonly destination: PeerAddress
  /** Discovery's follower, for a client created with `server`: it closes with the client. */
  readonly follower?: ServerFollower
}

/**
 * A Pavillion client with RPC and pub/sub attached; create it with
 * `createClient()`. It connects by itself and reconnects after a server
 * restart; calls and publishes made before a server answered wait for the
 * handshake (within their timeout). When the server answers but refuses
 * our client ID and key, and no server is connected, they reject at once
 * with `AuthenticationError` (`ERR_AUTH_FAILED`; not for a multicast group,
 * where another member may accept us); so do those started later, until a
 * server connects. Closing is idempotent and `await using` closes it.
 *
 * @example
 * ```ts
 * await using client = await createClient({ address: '192.168.1.10:1783', clientId, psk })
 * const answer = await client.call(401, 'hi', { timeout: 2000 })
 * const report = await client.publish('lights', 'kitchen', Uint8Array.of(1))
 * ```
 */
export class PavillionClient {
  readonly #events = new Emitter<PavillionClientEvents>()
  /** The engine facade (server state, raw sends, engine counters). */
  readonly core: Client
  /** The full RPC client (every reserved-function helper). */
  readonly rpc: RpcClient
  /** The full pub/sub object (tags, alerts, subscriber tracking). */
  readonly pubsub: ClientPubSub
  /** Registers of the servers: `read`, `write`, `writeUnreliable`, `observe`, `info`, `list`, `readAll`. */
  readonly registers: RegistersClient
  /** Where new packets go: the server, or the multicast group. */
  readonly destination: PeerAddress
  readonly #follower: ServerFollower | undefined
  #closing: Promise<void> | undefined
  readonly #inFlight = new InFlight()
  readonly #refusal: AuthRefusal

  /** Use `createClient()`; this wires already-built parts together. */
  constructor(parts: ClientParts) {
    this.core = parts.core
    this.rpc = parts.rpc
    this.pubsub = parts.pubsub
    this.registers = parts.registers
    this.destination = parts.destination
    this.#follower = parts.follower
    this.#follower?.onMoved((detail) => this.#events.emit('server:moved', detail))
    const { core } = parts
    this.#refusal = new AuthRefusal(core, parts.destination)
    core.on('state:changed', ({ state, previous }) => this.#events.emit('state:changed', { state, previous }))
    core.on('server:connected', ({ server }) => this.#events.emit('server:connected', { server }))
    core.on('server:disconnected', ({ server, reason }) =>
      this.#events.emit('server:disconnected', { server, reason }),
    )
    core.on('server:status', ({ server, status }) => this.#events.emit('server:status', { server, status }))
    core.on('server:invalid-client-id', ({ address }) =>
      this.#events.emit('server:invalid-client-id', { address }),
    )
    core.on('server:auth-failed', ({ address, reason }) =>
      this.#events.emit('server:auth-failed', { address, reason }),
    )
    core.on('time:sync', ({ server, offset }) => this.#events.emit('time:sync', { server, offset }))
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
   * client.on('server:connected', ({ server }) => console.log(server.key), { signal })
   * ```
   */
  on<K extends keyof PavillionClientEvents>(
    type: K,
    listener: Listener<PavillionClientEvents[K]>,
    options?: AbortOptions,
  ): () => void {
    return this.#events.on(type, listener, options)
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Aborts when the client closes. */
  get signal(): AbortSignal {
    return this.core.signal
  }

  /** The 16-byte client ID this client presents. */
  get clientId(): Uint8Array {
    return this.core.clientId
  }

  /**
   * Where this client stands: `connecting` (no server accepted us yet),
   * `connected` (one has; for a group, any member), `reconnecting` (every
   * server we had is gone; the handshake is retried), `auth-failed` (no server
   * is connected and one answered but refused our client ID or key), or
   * `closed`. Each change is a `state:changed` event.
   */
  get state(): ClientState {
    return this.closed ? 'closed' : this.core.state
  }

  /** Every server this client knows, with its own state: `connecting`, `connected`, `disconnected` or `auth-failed`. */
  connections(): ServerConnection[] {
    return this.core.connections()
  }

  /** Connected servers (one, or each member of a multicast group that answered). */
  servers(): ServerInfo[] {
    return this.core.servers()
  }

  /**
   * Resolves with the first connected server (at once if one is).
   * Rejects with `TimeoutError` after `timeout` ms (default 5000), `AuthenticationError`
   * as soon as the server refused our key, `ClosedError`, or `signal.reason`.
   */
  waitForServer(options?: TrackedSendOptions): Promise<ServerInfo> {
    return this.#refusal.guard(this.core.waitForServer(options))
  }

  /** A server's latest status values (from its acknowledgements); default the first connected server. */
  status(serverKey?: string): DeviceStatus | undefined {
    const key = serverKey ?? this.servers()[0]?.key
    return key === undefined ? undefined : this.pubsub.status(key)
  }

  /**
   * Calls function `fn` with `args` and resolves with its result (the first
   * answer, against a group). Rejects with `RemoteError` (non-zero status),
   * `TimeoutError`, `AuthenticationError`, `ClosedError`, `BackpressureError` or `signal.reason`.
   * @throws InvalidArgumentError synchronously for a bad number, arguments or timeout
   */
  call(fn: number, args: Payload = new Uint8Array(0), options?: CallOptions): Promise<Uint8Array> {
    return this.#inFlight.track(this.#refusal.guard(this.rpc.call(fn, bytesOf(args, 'args'), options)))
  }

  /**
   * Calls `fn` on every server that answers within `timeout` (default 2000
   * ms, always waited in full): one `{ server, result }` or `{ server, error }` each.
   */
  callAll(fn: number, args: Payload = new Uint8Array(0), options?: CallOptions): Promise<CallAllResult[]> {
    return this.rpc.callAll(fn, bytesOf(args, 'args'), options)
  }

  /** Echo (reserved function 0): the server returns `data`. */
  echo(data: Payload, options?: CallOptions): Promise<Uint8Array> {
    return this.#refusal.guard(this.rpc.echo(bytesOf(data, 'data'), options))
  }

  /** What-is (1): the name of function `fn` on the server, empty when it has none. */
  whatIs(fn: number, options?: CallOptions): Promise<string> {
    return this.#refusal.guard(this.rpc.whatIs(fn, options))
  }

  /** Status (6): the server's status lines (not the status bytes: see `status()`). */
  statusLines(options?: CallOptions): Promise<string[]> {
    return this.#refusal.guard(this.rpc.status(options))
  }

  /** Identity (7): vendor UUID, product ID, serial and name. */
  identity(options?: CallOptions): Promise<Identity> {
    return this.#refusal.guard(this.rpc.identity(options))
  }

  /** Descriptors (8): every named function with its argument description. */
  descriptors(options?: CallOptions): Promise<Descriptor[]> {
    return this.#refusal.guard(this.rpc.descriptors(options))
  }

  /** Reads a whole file from the server's file service (10). */
  readFile(path: string, options?: ReadFileOptions): Promise<Uint8Array> {
    return this.#refusal.guard(this.rpc.readFile(path, options))
  }

  /** Writes a whole file to the server's file service (11, 12). */
  writeFile(path: string, data: Payload, options?: WriteFileOptions): Promise<void> {
    return this.#refusal.guard(this.rpc.writeFile(path, bytesOf(data, 'data'), options))
  }

  /** Lists a directory of the server's file service (14); `''` is its root. */
  listDir(path: string, options?: CallOptions): Promise<FileEntry[]> {
    return this.#refusal.guard(this.rpc.listDir(path, options))
  }

  /** Deletes a file of the server's file service (13). */
  deleteFile(path: string, options?: CallOptions): Promise<void> {
    return this.#refusal.guard(this.rpc.deleteFile(path, options))
  }

  /**
   * Publishes to the server(s). Reliable by default: resolves with the
   * delivery report (`acked` names each server that acknowledged, `missing`
   * the expected ones that did not); rejects with `NoAcknowledgementError`
   * when nobody acknowledged, `AuthenticationError`, `BackpressureError`, `ClosedError` or `signal.reason`.
   * `{ reliable: false }` resolves once sent.
   * @throws InvalidArgumentError synchronously for invalid arguments
   */
  publish(
    target: string,
    name: string,
    payload: Payload,
    options?: ClientPublishOptions,
  ): Promise<PublishReport<ServerInfo>> {
    return this.#inFlight.track(
      this.#refusal.guard(this.pubsub.publish(target, name, bytesOf(payload, 'payload'), options)),
    )
  }

  /** Calls `handler` for every message servers send to `target` (`'*'`: every target). Returns the remover. */
  subscribe(target: string, handler: Handler<Message<ServerInfo>>, options?: AbortOptions): () => void {
    return this.pubsub.subscribe(target, handler, options)
  }

  /** The messages servers send to `target` (`'*'`: all) as a bounded async iterable. */
  messages(target: string, options?: StreamOptions): MessageStream<Message<ServerInfo>> {
    return this.pubsub.messages(target, options)
  }

  /** A snapshot of the counters of every layer. */
  stats(): PavillionClientStats {
    return { engine: this.core.stats(), pubsub: this.pubsub.stats() }
  }

  /**
   * Says goodbye (quit), rejects pending calls and publishes with
   * `ClosedError`, releases the socket. Idempotent. A publish or call still
   * in flight that nobody awaits rejects quietly (no unhandled rejection).
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#inFlight.release()
      this.registers.close()
      this.pubsub.close()
      this.rpc.close()
      await this.#follower?.close()
      await this.core.close()
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }
}
