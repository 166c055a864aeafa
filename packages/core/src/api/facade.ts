import { ClosedError } from '../errors.ts'
import type { DeliveryReport, MessageEvent } from '../events.ts'
import { type DrivenEndpoint, Driver } from '../runtime/driver.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { EndpointStats } from '../stats.ts'
import type { Transport } from '../transport.ts'
import { Deliveries } from './deliveries.ts'
import { Emitter, type Listener } from './emitter.ts'
import type { AbortOptions } from './options.ts'

/** The events every endpoint facade emits besides its own. */
export interface FacadeEventMap<P> {
  /** An application message no registered opcode handler took. */
  message: MessageEvent<P>
  /** A transport problem that did not stop the endpoint, or a listener that threw. */
  error: { readonly error: unknown }
}

/** The engine surface a facade drives. */
export interface FacadeEndpoint<E> extends DrivenEndpoint<E> {
  close(now: number): void
  cancel(now: number, id: number): void
  stats(): EndpointStats
}

/** An acknowledged send in flight. */
export interface TrackedSend<P> {
  /** The ticket. */
  readonly id: number
  /** Resolves with the delivery report (whatever its outcome); rejects with `signal.reason` on abort. */
  readonly done: Promise<DeliveryReport<P>>
}

/**
 * What `Client` and `Server` share: a driver running the endpoint over the
 * transport, typed listeners, opcode handlers for the layers above, delivery
 * promises, and an idempotent close.
 */
export abstract class Facade<E extends { readonly type: string }, M extends FacadeEventMap<P>, P> {
  protected readonly endpoint: FacadeEndpoint<E>
  protected readonly driver: Driver<E>
  protected readonly runtime: Runtime
  protected readonly events = new Emitter<M>((error) => this.events.emit('error', { error } as M['error']))
  readonly #handlers = new Map<number, Listener<MessageEvent<P>>>()
  readonly #deliveries = new Deliveries<P>()
  readonly #lifetime = new AbortController()
  #closing: Promise<void> | undefined

  protected constructor(endpoint: FacadeEndpoint<E>, transport: Transport, runtime: Runtime) {
    this.endpoint = endpoint
    this.runtime = runtime
    this.driver = new Driver(
      endpoint,
      transport,
      runtime,
      (event) => this.#dispatch(event),
      (error) => this.events.emit('error', { error } as M['error']),
    )
    transport.onError((error) => this.events.emit('error', { error } as M['error']))
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== undefined
  }

  /** Aborts (with a `ClosedError`) when `close()` is called: hand it to work that must stop with the endpoint. */
  get signal(): AbortSignal {
    return this.#lifetime.signal
  }

  /** Adds an event listener; returns its remover. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>, options?: AbortOptions): () => void {
    return this.events.on(type, listener, options)
  }

  /**
   * Routes every authenticated message with application opcode `opcode` to
   * `handler` (one handler per opcode; the RPC and pub/sub layers use this).
   * Returns the function that removes it.
   * @throws Error when the opcode already has a handler
   */
  handle(opcode: number, handler: Listener<MessageEvent<P>>): () => void {
    if (this.#handlers.has(opcode)) throw new Error(`opcode ${opcode} already has a handler`)
    this.#handlers.set(opcode, handler)
    return () => {
      if (this.#handlers.get(opcode) === handler) this.#handlers.delete(opcode)
    }
  }

  /**
   * Ends tracked send `id` early: no more retransmissions; its `done` rejects
   * (with the send's signal reason, or an `ERR_ABORTED` error). Harmless when
   * it already settled.
   */
  cancel(id: number): void {
    this.driver.command((now) => this.endpoint.cancel(now, id))
  }

  /** A snapshot of the engine's counters. */
  stats(): EndpointStats {
    return this.endpoint.stats()
  }

  /** The current monotonic time of this endpoint's runtime, ms. */
  now(): number {
    return this.driver.now()
  }

  /** Sends quit, settles every pending send with `closed`, releases the transport and timer. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#lifetime.abort(new ClosedError())
      this.driver.command((now) => this.endpoint.close(now))
      await this.driver.stop()
      this.events.clear()
    })()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** Wraps a ticket into a delivery promise that aborts with `signal`. */
  protected track(id: number, signal: AbortSignal | undefined): TrackedSend<P> {
    const done = this.#deliveries.wait(id, signal, () =>
      this.driver.command((now) => this.endpoint.cancel(now, id)),
    )
    return { id, done }
  }

  /** Emits an engine event that is neither a message nor a delivery report. */
  protected abstract forward(event: E): void

  #dispatch(event: E): void {
    if (event.type === 'message') {
      const message = event as unknown as MessageEvent<P>
      const handler = this.#handlers.get(message.opcode)
      if (handler === undefined) this.events.emit('message', message as M['message'])
      else {
        try {
          handler(message)
        } catch (error) {
          this.events.emit('error', { error } as M['error'])
        }
      }
    } else if (event.type === 'delivery') {
      this.#deliveries.settle((event as unknown as { report: DeliveryReport<P> }).report)
    } else {
      this.forward(event)
    }
  }
}
