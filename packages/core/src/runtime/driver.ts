import type { Transmit } from '../events.ts'
import type { PeerAddress, Transport } from '../transport.ts'
import type { Runtime } from './runtime.ts'

/** The sans-I/O surface a driver runs. */
export interface DrivenEndpoint<E> {
  handleDatagram(now: number, from: PeerAddress, bytes: Uint8Array): void
  handleTimeout(now: number): void
  pollTransmit(): Transmit | undefined
  pollEvent(): E | undefined
  pollTimeout(): number | undefined
}

/**
 * Runs an endpoint over a transport with exactly one timer: feeds it
 * datagrams and time, and after every input drains its datagrams and
 * events and re-arms the timer (the drain invariant of `EndpointBase`).
 */
export class Driver<E> {
  readonly #endpoint: DrivenEndpoint<E>
  readonly #transport: Transport
  readonly #runtime: Runtime
  readonly #dispatch: (event: E) => void
  readonly #onError: (error: unknown) => void
  #timerAt: number | undefined
  #cancelTimer: (() => void) | undefined
  #stopped = false
  #flushing = false

  /** `onError` receives what the transport throws when handed a datagram. */
  constructor(
    endpoint: DrivenEndpoint<E>,
    transport: Transport,
    runtime: Runtime,
    dispatch: (event: E) => void,
    onError: (error: unknown) => void,
  ) {
    this.#endpoint = endpoint
    this.#transport = transport
    this.#runtime = runtime
    this.#dispatch = dispatch
    this.#onError = onError
    transport.onDatagram((bytes, from) => {
      // PROTOCOL.md D14: our own multicast comes back to us; it is not a peer.
      if (this.#stopped || transport.isOwnAddress(from)) return
      endpoint.handleDatagram(runtime.now(), from, bytes)
      this.flush()
    })
  }

  /** The runtime's current monotonic time. */
  now(): number {
    return this.#runtime.now()
  }

  /** Runs one command against the endpoint at the current time, then drains. */
  command<T>(fn: (now: number) => T): T {
    const result = fn(this.#runtime.now())
    this.flush()
    return result
  }

  /**
   * Sends what the endpoint queued, dispatches its events and re-arms the
   * timer. Never re-entered: a command a listener runs while events are
   * dispatched only queues its output, which this loop then drains.
   */
  flush(): void {
    if (this.#flushing) return
    this.#flushing = true
    try {
      for (;;) {
        const t = this.#endpoint.pollTransmit()
        if (t !== undefined) {
          this.#send(t.to, t.bytes)
          continue
        }
        const e = this.#endpoint.pollEvent()
        if (e === undefined) break
        this.#dispatch(e)
      }
    } finally {
      this.#flushing = false
    }
    this.#rearm(this.#endpoint.pollTimeout())
  }

  #send(to: PeerAddress, bytes: Uint8Array): void {
    if (this.#stopped) return
    try {
      this.#transport.send(to, bytes)
    } catch (error) {
      // A transport refusing one datagram (e.g. a group with no interface) must not strand the rest.
      this.#onError(error)
    }
  }

  /** Stops the timer and closes the transport (after a final flush). Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return
    this.flush()
    this.#stopped = true
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
    await this.#transport.close()
  }

  #rearm(at: number | undefined): void {
    // An armed timer due no later than the new deadline stays: when it fires early,
    // handleTimeout is a harmless no-op and the timer is re-armed then. This keeps
    // the per-datagram path free of timer churn.
    if (this.#stopped || at === undefined || (this.#timerAt !== undefined && this.#timerAt <= at)) return
    this.#cancelTimer?.()
    this.#timerAt = at
    this.#cancelTimer = this.#runtime.setTimer(at, () => {
      this.#timerAt = undefined
      this.#cancelTimer = undefined
      if (this.#stopped) return
      this.#endpoint.handleTimeout(this.#runtime.now())
      this.flush()
    })
  }
}
