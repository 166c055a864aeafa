import {
  type AbortOptions,
  BackpressureError,
  ClosedError,
  type DeliveryReport,
  Emitter,
  InvalidArgumentError,
  type Listener,
  type OpcodeEvent,
  type TrackedSend,
} from '@pavillion/core'
import {
  CoreTarget,
  encodeAlertBody,
  encodeTagBody,
  encodeTagValueBody,
  encodeTextBody,
  type TagBody,
} from '@pavillion/wire'
import { decodeCoreMessage } from './core-messages.ts'
import { NoAcknowledgementError } from './errors.ts'
import type { InFlightLimiter } from './in-flight.ts'
import { type Handler, Listeners } from './listeners.ts'
import { ALL_TARGETS, checkTarget, type Message, messageOf } from './message.ts'
import { MessageStream } from './message-stream.ts'
import type { PublishOptions, StreamOptions } from './options.ts'
import { emptyReport, type PublishReport, publishResult, type ReportBase } from './report.ts'

const CLOSED = Promise.resolve()

/** Counters of a pub/sub object. */
export interface PubSubStats {
  /** Messages handed to at least one listener or stream. */
  delivered: number
  /** Messages no listener or stream wanted (dropped after the engine acknowledged them). */
  unrouted: number
  /** Exceptions thrown, and promises rejected, by listeners. */
  listenerErrors: number
  /** Messages streams dropped because their buffer was full. */
  streamDropped: number
  /** Reliable publishes refused because a peer had `maxInFlightPerPeer` in flight. */
  backpressured: number
  /** Core messages ignored: malformed bodies, and tag values refused by the timestamp rules. */
  coreIgnored: number
}

/** The events every pub/sub object emits. */
export interface PubSubEventMap {
  /** A listener threw or its promise rejected. */
  error: { readonly error: unknown }
}

/** An alert as `onAlert` handlers see it. */
export interface AlertUpdate<P> {
  readonly sender: P
  readonly name: string
  readonly abnormal: boolean
  readonly message: Message<P>
}

/** What both sides share: listener registry, streams, events, core-message helpers and lifetime. */
export abstract class PubSubBase<P, O extends PublishOptions, E extends PubSubEventMap> {
  protected readonly events: Emitter<E>
  protected readonly counters: PubSubStats = {
    delivered: 0,
    unrouted: 0,
    listenerErrors: 0,
    streamDropped: 0,
    backpressured: 0,
    coreIgnored: 0,
  }
  readonly #listeners: Listeners<Message<P>>
  readonly #limiter: InFlightLimiter
  readonly #streams = new Set<MessageStream<Message<P>>>()
  readonly #cleanups: (() => void)[] = []
  readonly #streamBufferSize: number
  #closed = false
  #emittingError = false

  protected constructor(maxTargets: number, streamBufferSize: number, limiter: InFlightLimiter) {
    this.#limiter = limiter
    this.#streamBufferSize = streamBufferSize
    this.#listeners = new Listeners(maxTargets, {
      onFirst: (target) => this.targetAdded(target),
      onLast: (target) => this.targetRemoved(target),
    })
    this.events = new Emitter<E>((error) => {
      this.counters.listenerErrors++
      // An `error` listener that throws is counted, never re-emitted (no loop).
      if (!this.#emittingError) this.#emitError(error)
    })
  }

  /** True once `close()` was called (or the endpoint closed). */
  get closed(): boolean {
    return this.#closed
  }

  /**
   * Calls `handler` for every message of `target` (`'*'`: every target) until
   * the returned function is called or `signal` aborts. The first listener
   * of a target announces it (opcode 13): a server to its clients, a client
   * to its servers (which then send it only the targets it listens to).
   * A handler that throws does not stop the others: its error goes to the
   * `error` event, or — with no `error` listener — to the endpoint's `error`
   * event; a promise it returns is watched the same way.
   * @throws ClosedError after close; InvalidArgumentError for an invalid target or too many targets
   */
  subscribe(target: string, handler: Handler<Message<P>>, options: AbortOptions = {}): () => void {
    this.#ensureOpen()
    checkTarget(target)
    if (typeof handler !== 'function') throw new InvalidArgumentError('"handler" expected a function')
    const { signal } = options
    if (signal?.aborted) return () => {}
    const remove = this.#listeners.add(target, handler)
    if (signal === undefined) return remove
    const unsubscribe = () => {
      remove()
      signal.removeEventListener('abort', unsubscribe)
    }
    signal.addEventListener('abort', unsubscribe, { once: true })
    return unsubscribe
  }

  /** Same as `subscribe('*', handler, options)`: every message, whatever its target. Local only. */
  subscribeAll(handler: Handler<Message<P>>, options: AbortOptions = {}): () => void {
    return this.subscribe(ALL_TARGETS, handler, options)
  }

  /**
   * The messages of `target` (`'*'`: every target) as an async iterable with
   * a bounded buffer (drop-oldest, counted in `stream.dropped`). Leaving the
   * loop, aborting `signal` or closing ends it and removes its listener.
   * @throws ClosedError after close; InvalidArgumentError for an invalid target, buffer size or too many targets
   */
  messages(target: string, options: StreamOptions = {}): MessageStream<Message<P>> {
    this.#ensureOpen()
    checkTarget(target)
    const stream = new MessageStream<Message<P>>(options.bufferSize ?? this.#streamBufferSize)
    const { signal } = options
    if (signal?.aborted) {
      stream.end()
      return stream
    }
    const remove = this.#listeners.add(target, (message) => {
      const before = stream.dropped
      stream.push(message)
      this.counters.streamDropped += stream.dropped - before
    })
    const end = () => stream.end()
    signal?.addEventListener('abort', end, { once: true })
    this.#streams.add(stream)
    stream.onEnd(() => {
      remove()
      signal?.removeEventListener('abort', end)
      this.#streams.delete(stream)
    })
    return stream
  }

  /** Alerts (`core.alert`) as typed values; malformed ones are ignored. Returns the remover. */
  onAlert(handler: (alert: AlertUpdate<P>) => void, options: AbortOptions = {}): () => void {
    return this.subscribe(
      CoreTarget.Alert,
      (message) => {
        const decoded = decodeCoreMessage(message)
        if (decoded?.kind !== 'alert') {
          this.counters.coreIgnored++
          return
        }
        handler({ sender: message.sender, name: decoded.name, abnormal: decoded.abnormal, message })
      },
      options,
    )
  }

  /** Adds a listener of this object's events; returns its remover. */
  on<K extends keyof E>(type: K, listener: Listener<E[K]>, options?: AbortOptions): () => void {
    return this.events.on(type, listener, options)
  }

  /** A snapshot of the counters. */
  stats(): PubSubStats {
    return { ...this.counters }
  }

  /** Publishes `payload` as message `name` of `target`; see the subclass for who receives it. */
  abstract publish(target: string, name: string, payload: Uint8Array, options?: O): Promise<PublishReport<P>>

  /** Declares a tag (`core.tag`, PROTOCOL.md §13): value, and optionally range, interval (s), writability, timestamp (µs, server clock). */
  publishTag(name: string, tag: TagBody, options?: O): Promise<PublishReport<P>> {
    return this.publish(CoreTarget.Tag, name, encodeTagBody(tag), options)
  }

  /** Sends a tag value (`core.tagv`): the owner's new value, or — towards a server — a write request. `timestampUs` is on the server's monotonic clock. */
  publishTagValue(name: string, value: number, timestampUs: bigint, options?: O): Promise<PublishReport<P>> {
    return this.publish(CoreTarget.TagValue, name, encodeTagValueBody({ value, timestampUs }), options)
  }

  /** Raises (`abnormal = true`) or clears an alert (`core.alert`). */
  publishAlert(name: string, abnormal: boolean, options?: O): Promise<PublishReport<P>> {
    return this.publish(CoreTarget.Alert, name, encodeAlertBody(abnormal), options)
  }

  /** Sends debug text (`core.print`) under an optional heading. */
  publishPrint(heading: string, text: string, options?: O): Promise<PublishReport<P>> {
    return this.publish(CoreTarget.Print, heading, encodeTextBody(text), options)
  }

  /** Reports an error (`core.error`): the exception class name and its text. */
  publishError(className: string, text: string, options?: O): Promise<PublishReport<P>> {
    return this.publish(CoreTarget.Error, className, encodeTextBody(text), options)
  }

  /**
   * Detaches from the endpoint (its opcode handlers and listeners), ends
   * every stream and removes every listener. Reliable publishes in flight
   * still settle (the endpoint owns them). Idempotent; runs by itself when
   * the endpoint closes. Resolves at once.
   */
  close(): Promise<void> {
    if (this.#closed) return CLOSED
    this.beforeClose()
    this.#closed = true
    for (const cleanup of this.#cleanups.splice(0).reverse()) cleanup()
    for (const stream of [...this.#streams]) stream.end()
    this.#listeners.clear()
    this.events.clear()
    return CLOSED
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    void this.close()
  }

  /** Targets with local listeners, and `'*'` last while a listener takes every target. */
  protected listenedTargets(): string[] {
    const targets = this.#listeners.targets()
    if (this.#listeners.wildcard) targets.push(ALL_TARGETS)
    return targets
  }

  /** Registers what `close()` undoes (an opcode handler, an endpoint listener). */
  protected onClose(cleanup: () => void): void {
    if (this.#closed) cleanup()
    else this.#cleanups.push(cleanup)
  }

  /** The first listener of `target` was added. */
  protected abstract targetAdded(target: string): void
  /** The last listener of `target` was removed. */
  protected abstract targetRemoved(target: string): void
  /** Runs at the start of `close()`, while the listeners are still registered. */
  protected abstract beforeClose(): void

  /**
   * Delivers the message an engine event carries to the listeners, then runs
   * `after` with it. Listener errors go to the `error` event; with no `error`
   * listener they are thrown at the end, and the endpoint reports them as its
   * own `error` event.
   */
  protected receive(event: OpcodeEvent<P>, after?: (message: Message<P>) => void): void {
    if (this.#closed) return
    const message = messageOf(event)
    if (message === undefined) return
    const { called, errors } = this.#listeners.deliver(message.target, message, (result) =>
      this.#watch(result),
    )
    if (called === 0) this.counters.unrouted++
    else this.counters.delivered++
    after?.(message)
    if (errors.length === 0) return
    this.counters.listenerErrors += errors.length
    if (this.events.has('error')) for (const error of errors) this.#emitError(error)
    else throw errors.length === 1 ? errors[0] : new AggregateError(errors, 'several message listeners threw')
  }

  /**
   * Runs one reliable publish under the per-peer cap: takes a slot for each
   * key (or rejects with BackpressureError), starts the tracked send, and
   * settles from its delivery report. `observe` sees the report first.
   */
  protected tracked(
    base: ReportBase,
    keys: readonly string[],
    start: () => TrackedSend<P> | undefined,
    observe?: (delivery: DeliveryReport<P>) => void,
  ): Promise<PublishReport<P>> {
    const full = this.#limiter.tryAcquire(keys)
    if (full !== undefined) {
      this.counters.backpressured++
      return Promise.reject(
        new BackpressureError(
          `${this.#limiter.max} reliable publishes are already in flight towards ${full || 'the destination'}; wait for some to settle`,
        ),
      )
    }
    let send: TrackedSend<P> | undefined
    try {
      send = start()
    } catch (error) {
      this.#limiter.release(keys)
      return Promise.reject(error)
    }
    if (send === undefined) {
      this.#limiter.release(keys)
      return Promise.reject(
        new NoAcknowledgementError(`nobody to send "${base.target}"/"${base.name}" to`, emptyReport<P>(base)),
      )
    }
    const done = send.done
    return new Promise((resolve, reject) => {
      done.then(
        (delivery) => {
          this.#limiter.release(keys)
          observe?.(delivery)
          try {
            resolve(publishResult(base, delivery))
          } catch (error) {
            reject(error)
          }
        },
        (error: unknown) => {
          this.#limiter.release(keys)
          reject(error)
        },
      )
    })
  }

  /** Rejects a publish that cannot start: closed, or aborted already. */
  protected refusal(signal: AbortSignal | undefined): Promise<never> | undefined {
    if (this.#closed) return Promise.reject(new ClosedError('the pub/sub object is closed'))
    if (signal?.aborted) return Promise.reject(signal.reason)
    return undefined
  }

  #ensureOpen(): void {
    if (this.#closed) throw new ClosedError('the pub/sub object is closed')
  }

  #watch(result: PromiseLike<unknown>): void {
    result.then(undefined, (error: unknown) => {
      this.counters.listenerErrors++
      this.#emitError(error)
    })
  }

  #emitError(error: unknown): void {
    this.#emittingError = true
    try {
      this.events.emit('error', { error } as E['error'])
    } finally {
      this.#emittingError = false
    }
  }
}
