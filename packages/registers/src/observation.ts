import type { ServerInfo } from '@pavillion/core'
import type { RegisterValue } from './codecs.ts'

/** What `close()` returns: closing is synchronous, nothing is left to wait for. */
const CLOSED: Promise<void> = Promise.resolve()

/** One notification: the value a server's register holds. */
export interface RegisterUpdate<V = RegisterValue> {
  /** The register. */
  readonly register: number
  /** The server that sent it. */
  readonly server: ServerInfo
  /** The decoded value. */
  readonly value: V
  /** Its bytes. */
  readonly bytes: Uint8Array
}

/** How an observation is driven by its client (start, renew, cancel). */
export interface ObservationDriver {
  /** Sends the observe request and resolves once a server accepted it. */
  start(): Promise<void>
  /** Ends it on the servers (observe with duration 0) and frees its timers. */
  stop(): void
}

/**
 * The values of an observed register, as an async iterator. The latest value
 * of each server is kept (older unread ones are coalesced away), so a slow
 * reader always ends with the latest. Leaving the loop, `close()` or the
 * signal end it and tell the servers.
 */
export class RegisterObservation<V = RegisterValue> implements AsyncIterableIterator<RegisterUpdate<V>> {
  readonly #latest = new Map<string, RegisterUpdate<V>>()
  #waiter:
    | { resolve: (r: IteratorResult<RegisterUpdate<V>>) => void; reject: (e: unknown) => void }
    | undefined
  #failure: { error: unknown } | undefined
  #ended = false
  #driver: ObservationDriver | undefined
  #started: Promise<void> | undefined
  /** Updates coalesced away (a newer value of the same server arrived before this one was read). */
  coalesced = 0

  /** Use `RegistersClient.observe`. */
  attach(driver: ObservationDriver): void {
    this.#driver = driver
  }

  /** True once ended (closed, aborted or failed). */
  get ended(): boolean {
    return this.#ended
  }

  /** Called by the client for each notification. */
  push(update: RegisterUpdate<V>): void {
    if (this.#ended) return
    const waiter = this.#waiter
    if (waiter !== undefined) {
      this.#waiter = undefined
      waiter.resolve({ value: update, done: false })
      return
    }
    if (this.#latest.delete(update.server.key)) this.coalesced++
    this.#latest.set(update.server.key, update)
  }

  /** Ends the iteration with `error` (a refusal, a failed renewal, an abort). */
  fail(error: unknown): void {
    if (this.#ended) return
    this.#failure = { error }
    this.#end()
  }

  /** Resolves once a server accepted the observation; rejects with why not. */
  ready(): Promise<void> {
    this.#started ??= (this.#driver?.start() ?? Promise.resolve()).catch((error: unknown) => {
      this.fail(error)
      throw error
    })
    return this.#started
  }

  async next(): Promise<IteratorResult<RegisterUpdate<V>>> {
    if (!this.#ended) {
      try {
        await this.ready()
      } catch {
        // reported below, from #failure
      }
    }
    const first = this.#latest.entries().next()
    if (!first.done) {
      this.#latest.delete(first.value[0])
      return { value: first.value[1], done: false }
    }
    if (this.#failure !== undefined) {
      const { error } = this.#failure
      this.#failure = undefined
      throw error
    }
    if (this.#ended) return { value: undefined, done: true }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject }
    })
  }

  /** Ends the observation (as `break` does). */
  async return(): Promise<IteratorResult<RegisterUpdate<V>>> {
    this.close()
    return { value: undefined, done: true }
  }

  /** Ends the observation and tells the servers. Idempotent; resolves at once. */
  close(): Promise<void> {
    if (!this.#ended) {
      this.#latest.clear()
      this.#end()
    }
    return CLOSED
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    void this.close()
  }

  #end(): void {
    this.#ended = true
    this.#driver?.stop()
    const waiter = this.#waiter
    this.#waiter = undefined
    if (waiter === undefined) return
    if (this.#failure !== undefined) {
      const { error } = this.#failure
      this.#failure = undefined
      waiter.reject(error)
    } else waiter.resolve({ value: undefined, done: true })
  }
}
