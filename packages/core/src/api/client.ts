import { ClientEndpoint, type ServerConnection } from '../client/client-endpoint.ts'
import type { ClientEndpointOptions } from '../client/client-options.ts'
import { ClosedError, TimeoutError } from '../errors.ts'
import type { ClientEvent, ServerInfo } from '../events.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { Transport } from '../transport.ts'
import { type ClientState, ConnectionState, type StateChangeEvent } from './client-state.ts'
import { Facade, type FacadeEventMap, type TrackedSend } from './facade.ts'
import { expectationOf, type TrackedSendOptions, timeoutOf } from './options.ts'

type EventOf<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>

/** What a client's listeners receive, by event name. */
export interface ClientEventMap extends FacadeEventMap<ServerInfo> {
  'server:connected': EventOf<'server:connected'>
  'server:disconnected': EventOf<'server:disconnected'>
  'server:status': EventOf<'server:status'>
  'server:invalid-client-id': EventOf<'server:invalid-client-id'>
  /** The server answered our nonce request but does not accept our key (nothing on the wire changes). */
  'server:auth-failed': EventOf<'server:auth-failed'>
  'time:sync': EventOf<'time:sync'>
  /** `state` changed (see `ClientState`); emitted before the server event that caused it. */
  'state:changed': StateChangeEvent
}

/** Everything a client is built from: the engine's options plus a transport and a runtime. */
export interface ClientOptions extends Omit<ClientEndpointOptions, 'wallClockOffset'> {
  readonly transport: Transport
  readonly runtime: Runtime
}

/** Options of `Client.sendTracked`. */
export interface ClientTrackedSendOptions extends TrackedSendOptions {
  /** Keys of the servers expected to acknowledge; default: every connected server. */
  readonly servers?: readonly string[]
}

/**
 * A Pavillion client over a transport: the sans-I/O `ClientEndpoint` driven
 * by one timer. It starts its handshake at once. Layers above (RPC, pub/sub)
 * register opcode handlers and send through it.
 *
 * @example
 * ```ts
 * const client = new Client({ transport, runtime, crypto, destination, credentials })
 * const server = await client.waitForServer({ timeout: 2000 })
 * await client.close()
 * ```
 */
export class Client extends Facade<ClientEvent, ClientEventMap, ServerInfo> {
  declare protected readonly endpoint: ClientEndpoint
  readonly #connection: ConnectionState

  constructor(options: ClientOptions) {
    const { transport, runtime, ...endpointOptions } = options
    super(
      new ClientEndpoint({ ...endpointOptions, wallClockOffset: runtime.wallClockOffset() }),
      transport,
      runtime,
    )
    this.#connection = new ConnectionState(
      () => this.endpoint.servers().length,
      (event) => this.events.emit('state:changed', event),
    )
    this.driver.command((now) => this.endpoint.start(now))
  }

  /**
   * Where this client stands: `connecting`, `connected`, `reconnecting`,
   * `auth-failed` or `closed` (see `ClientState`; for a multicast group,
   * `connected` while any member is). Each change is a `state:changed` event.
   */
  get state(): ClientState {
    return this.#connection.state
  }

  /** Every server this client knows, connected or not, with its own state. */
  connections(): ServerConnection[] {
    return this.endpoint.connections()
  }

  /** The 16-byte client ID this client presents. */
  get clientId(): Uint8Array {
    return this.endpoint.clientId
  }

  /** Connected servers. */
  servers(): ServerInfo[] {
    return this.endpoint.servers()
  }

  /** Latest status, clock offset and smoothed RTT of one server. */
  serverState(key: string): ReturnType<ClientEndpoint['serverState']> {
    return this.endpoint.serverState(key)
  }

  /**
   * Converts a time on our monotonic clock (ms, default now) to `server`'s
   * monotonic clock, once a time sync (`requestTimeSync`) or a client-accept
   * message measured the offset; undefined before that.
   */
  toServerTime(key: string, local: number = this.now()): number | undefined {
    const offset = this.endpoint.serverState(key)?.clockOffset
    return offset === undefined ? undefined : local - offset
  }

  /** Converts a time on `server`'s monotonic clock (ms) to ours; undefined before a time sync. */
  fromServerTime(key: string, remote: number): number | undefined {
    const offset = this.endpoint.serverState(key)?.clockOffset
    return offset === undefined ? undefined : remote + offset
  }

  /**
   * Resolves with the first connected server (at once if one is connected).
   * @throws TimeoutError after `timeout` ms; ClosedError when closed
   */
  waitForServer(options: TrackedSendOptions = {}): Promise<ServerInfo> {
    const timeout = timeoutOf(options)
    const connected = this.servers()[0]
    if (connected !== undefined) return Promise.resolve(connected)
    if (this.closed) return Promise.reject(new ClosedError('the client is closed'))
    return new Promise((resolve, reject) => {
      const done = new AbortController()
      const started = this.now()
      const finish = (error: unknown, server?: ServerInfo) => {
        done.abort()
        cancelTimer()
        if (server !== undefined) resolve(server)
        else reject(error)
      }
      const cancelTimer = this.runtime.setTimer(started + timeout, () =>
        finish(new TimeoutError(`no server answered within ${timeout} ms`, this.now() - started, 0)),
      )
      this.on('server:connected', ({ server }) => finish(undefined, server), done)
      options.signal?.addEventListener('abort', () => finish(options.signal?.reason), { signal: done.signal })
    })
  }

  /**
   * Sends one packet (opcode ‖ payload, as `encodeApp` makes it) without acknowledgement.
   * @throws ClosedError after close; BackpressureError when the wait queue is full
   */
  send(plaintext: Uint8Array): void {
    this.driver.command((now) => this.endpoint.send(now, { plaintext }))
  }

  /**
   * Sends one packet and retransmits the same bytes until acknowledged as
   * `expect` says (default: every connected server), or until the timeout.
   * @throws ClosedError after close; BackpressureError when too many sends are in flight
   */
  sendTracked(plaintext: Uint8Array, options: ClientTrackedSendOptions = {}): TrackedSend<ServerInfo> {
    const { signal, servers, answeredBy, owner } = options
    signal?.throwIfAborted()
    const timeout = timeoutOf(options)
    const expect = expectationOf(options)
    return this.track(signal, (now, token) => {
      const track = { deadline: now + timeout, expect, servers, answeredBy, token, owner }
      return this.endpoint.send(now, { plaintext, track }) as number
    })
  }

  /** Asks the servers for their clocks; results arrive as `time:sync` events. */
  requestTimeSync(): void {
    this.driver.command((now) => this.endpoint.requestTimeSync(now))
  }

  /** Closes the client (see `Facade.close`); `state` is `closed` at once. */
  override close(): Promise<void> {
    this.#connection.closed()
    return super.close()
  }

  protected override forward(event: ClientEvent): void {
    const connection = this.#connection
    switch (event.type) {
      case 'server:connected':
        connection.connected()
        break
      case 'server:disconnected':
        connection.disconnected()
        break
      case 'server:invalid-client-id':
        connection.refused()
        break
      case 'server:auth-failed':
        // `not-accepted` is no proof: a lost acceptance looks the same (the server's own state says it).
        if (event.reason === 'forged-answer') connection.refused()
        break
    }
    this.events.emit(event.type as keyof ClientEventMap, event as never)
  }
}
