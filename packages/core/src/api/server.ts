import type { ClientInfo, ServerEvent } from '../events.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { ServerEndpoint } from '../server/server-endpoint.ts'
import type { ServerEndpointOptions } from '../server/server-options.ts'
import type { Transport } from '../transport.ts'
import { Facade, type FacadeEventMap, type TrackedSend } from './facade.ts'
import type { TrackedSendOptions } from './options.ts'
import { expectationOf, timeoutOf } from './options.ts'

type EventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>

/** What a server's listeners receive, by event name. */
export interface ServerEventMap extends FacadeEventMap<ClientInfo> {
  'session:opened': EventOf<'session:opened'>
  'session:closed': EventOf<'session:closed'>
  'security:leaked-secret-key': EventOf<'security:leaked-secret-key'>
  'handshake:rejected': EventOf<'handshake:rejected'>
}

/** Everything a server is built from: the engine's options plus a transport and a runtime. */
export interface ServerOptions extends Omit<ServerEndpointOptions, 'wallClockOffset'> {
  readonly transport: Transport
  readonly runtime: Runtime
}

/** Options of `Server.send` and `Server.sendTracked`: which clients. */
export interface ServerSendOptions {
  /** Session keys (`ClientInfo.key`) to send to; default: every live session. */
  readonly to?: readonly string[]
}

/**
 * A Pavillion server over a transport: the sans-I/O `ServerEndpoint` driven
 * by one timer. It announces itself at once.
 *
 * @example
 * ```ts
 * const server = new Server({ transport, runtime, crypto, clients })
 * server.on('session:opened', ({ client }) => console.log('hello', client.key))
 * ```
 */
export class Server extends Facade<ServerEvent, ServerEventMap, ClientInfo> {
  declare protected readonly endpoint: ServerEndpoint

  constructor(options: ServerOptions) {
    const { transport, runtime, ...endpointOptions } = options
    super(
      new ServerEndpoint({ ...endpointOptions, wallClockOffset: runtime.wallClockOffset() }),
      transport,
      runtime,
    )
    this.driver.command((now) => this.endpoint.start(now))
  }

  /** Every established session. */
  sessions(): ClientInfo[] {
    return this.endpoint.sessions()
  }

  /** Smoothed RTT towards one client, ms, once measured. */
  srtt(key: string): number | undefined {
    return this.endpoint.srtt(key)
  }

  /**
   * Sends one packet (opcode ‖ payload) to the chosen clients without acknowledgement.
   * Returns the clients it went to.
   * @throws ClosedError after close
   */
  send(plaintext: Uint8Array, options: ServerSendOptions = {}): readonly ClientInfo[] {
    const { to } = options // not spread: this runs for every RPC response
    const request = to === undefined ? { plaintext } : { plaintext, to }
    return this.driver.command((now) => this.endpoint.send(now, request).recipients)
  }

  /**
   * Sends one packet to the chosen clients and retransmits each client's bytes
   * until every one acknowledged (or as `expect` says), or until the timeout.
   * Returns undefined `tracked` when there was nobody to send to.
   * @throws ClosedError after close; BackpressureError when too many sends are in flight
   */
  sendTracked(
    plaintext: Uint8Array,
    options: ServerSendOptions & TrackedSendOptions = {},
  ): { readonly recipients: readonly ClientInfo[]; readonly tracked: TrackedSend<ClientInfo> | undefined } {
    const { signal, to, answeredBy, owner } = options
    signal?.throwIfAborted()
    const timeout = timeoutOf(options)
    const expect = expectationOf(options)
    let recipients: readonly ClientInfo[] = []
    const tracked = this.track(signal, (now, token) => {
      const track = { deadline: now + timeout, expect, answeredBy, token, owner }
      const result = this.endpoint.send(
        now,
        to === undefined ? { plaintext, track } : { plaintext, to, track },
      )
      recipients = result.recipients
      return result.id ?? 0
    })
    return { recipients, tracked: tracked.id === 0 ? undefined : tracked }
  }

  protected override forward(event: ServerEvent): void {
    this.events.emit(event.type as keyof ServerEventMap, event as never)
  }
}
