import { AppOpcode, WireDecodeError } from '@pavillion/wire'
import type { DroppedKind } from '../endpoint-base.ts'
import { ClosedError, InvalidArgumentError } from '../errors.ts'
import type { DeliveryReport, MessageEvent, OpcodeEvent } from '../events.ts'
import { shareKeyProbe } from '../key-probe.ts'
import { type DrivenEndpoint, Driver } from '../runtime/driver.ts'
import type { Runtime } from '../runtime/runtime.ts'
import type { EndpointStats } from '../stats.ts'
import type { Transport } from '../transport.ts'
import { DeliveryWaiter } from './delivery-waiter.ts'
import { Emitter, type Listener } from './emitter.ts'
import type { AbortOptions } from './options.ts'

/** The events every endpoint facade emits besides its own. */
export interface FacadeEventMap<P> {
  /** A message of an opcode no layer registered a handler for (counted as `unknownOpcode`). */
  message: MessageEvent<P>
  /** A transport problem that did not stop the endpoint, or a listener that threw. */
  error: { readonly error: unknown }
}

/** The engine surface a facade drives. */
export interface FacadeEndpoint<E> extends DrivenEndpoint<E> {
  close(now: number): void
  cancel(now: number, id: number): void
  cancelOwned(now: number, owner: object): void
  stats(): EndpointStats
  isCoreOpcode(opcode: number): boolean
  setDuplicates(opcode: number, wanted: boolean): void
  countDropped(kind: DroppedKind): void
}

/** What a layer's opcode handler receives: the sender, counter and undecoded payload. */
export type OpcodeHandler<P> = (event: OpcodeEvent<P>) => void

/** Options of `handle`. */
export interface HandleOptions {
  /** Also receive retransmissions the replay window recognised (`duplicate: true`). Default false. */
  readonly duplicates?: boolean
}

interface Registered<P> {
  readonly handler: OpcodeHandler<P>
  readonly duplicates: boolean
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
  protected readonly events = new Emitter<M>()
  readonly #handlers: (Registered<P> | undefined)[] = []
  readonly #lifetime = new AbortController()
  #closing: Promise<void> | undefined

  protected constructor(endpoint: FacadeEndpoint<E>, transport: Transport, runtime: Runtime) {
    this.endpoint = endpoint
    this.runtime = runtime
    shareKeyProbe(this, endpoint)
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
   * Hands every authenticated message of application opcode `opcode` to
   * `handler`: how a layer (RPC, pub/sub, …) owns its opcodes. One handler
   * per opcode. A handler that throws a `WireDecodeError` has its message
   * counted as `malformed`; any other exception becomes an `error` event.
   * Retransmissions reach it only with `{ duplicates: true }`. Returns the
   * function that removes it.
   * @throws InvalidArgumentError for an opcode outside 0–255,
   *   one the engine decodes itself (opcode 1 aside: its acknowledgement is the
   *   engine's, its content the layer's), or one that already has a handler
   */
  handle(opcode: number, handler: OpcodeHandler<P>, options: HandleOptions = {}): () => void {
    if (!Number.isInteger(opcode) || opcode < 0 || opcode > 0xff)
      throw new InvalidArgumentError(`opcode ${opcode} is not an integer in 0–255`)
    if (this.endpoint.isCoreOpcode(opcode) && opcode !== AppOpcode.Reliable)
      throw new InvalidArgumentError(`opcode ${opcode} is decoded by the engine itself`)
    if (this.#handlers[opcode] !== undefined)
      throw new InvalidArgumentError(`opcode ${opcode} already has a handler`)
    const registered: Registered<P> = { handler, duplicates: options.duplicates === true }
    this.#handlers[opcode] = registered
    if (registered.duplicates) this.endpoint.setDuplicates(opcode, true)
    return () => {
      if (this.#handlers[opcode] !== registered) return
      this.#handlers[opcode] = undefined
      if (registered.duplicates) this.endpoint.setDuplicates(opcode, false)
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

  /** Ends every tracked send made with `{ owner }` as `cancel` ends one. */
  cancelOwned(owner: object): void {
    this.driver.command((now) => this.endpoint.cancelOwned(now, owner))
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

  /**
   * Starts one tracked send: `start(now, token)` hands the engine the
   * waiter as the send's token and returns its ticket; the waiter settles
   * from the send's delivery event and cancels the send when `signal` aborts.
   */
  protected track(
    signal: AbortSignal | undefined,
    start: (now: number, token: DeliveryWaiter<P>) => number,
  ): TrackedSend<P> {
    const waiter = new DeliveryWaiter<P>()
    const id = this.driver.command((now) => start(now, waiter))
    if (signal !== undefined) waiter.watch(signal, () => this.cancel(id))
    return { id, done: waiter.done }
  }

  /** Emits an engine event that is neither a message nor a delivery report. */
  protected abstract forward(event: E): void

  #dispatch(event: E): void {
    if (event.type === 'message') this.#deliver(event as unknown as MessageEvent<P>)
    else if (event.type === 'delivery') {
      const { report, token } = event as unknown as { report: DeliveryReport<P>; token: unknown }
      if (token instanceof DeliveryWaiter) token.settle(report)
    } else {
      this.forward(event)
    }
  }

  #deliver(message: MessageEvent<P>): void {
    const registered = this.#handlers[message.opcode]
    if (registered === undefined) {
      if (message.duplicate) return
      this.endpoint.countDropped('unknownOpcode')
      this.events.emit('message', message as M['message'])
      return
    }
    if (message.duplicate && !registered.duplicates) return
    try {
      registered.handler(message)
    } catch (error) {
      if (error instanceof WireDecodeError) this.endpoint.countDropped('malformed')
      else this.events.emit('error', { error } as M['error'])
    }
  }
}
