import { positiveInteger } from './options.ts'

/**
 * An async iterable of messages with a bounded buffer.
 *
 * Policy when the consumer falls behind: the engine has already acknowledged
 * every reliable message before it reaches a stream, so there is no way to
 * push back on the sender; the stream keeps the newest `capacity` messages,
 * drops the oldest, and counts the drops in `dropped`. It ends (`done`) when
 * its signal aborts, when the pub/sub object or its endpoint closes, or when
 * the consumer leaves (`break`, `return()`, `await using`); ending removes
 * its listener and releases the buffer.
 */
export class MessageStream<M> implements AsyncIterableIterator<M> {
  readonly #capacity: number
  readonly #buffer: (M | undefined)[]
  #head = 0
  #size = 0
  readonly #waiters: ((result: IteratorResult<M>) => void)[] = []
  #ended = false
  #dropped = 0
  #release: (() => void) | undefined

  /**
   * @param capacity - messages buffered at most (≥ 1)
   * @throws InvalidArgumentError when `capacity` is not a positive integer
   */
  constructor(capacity: number) {
    this.#capacity = positiveInteger('bufferSize', capacity)
    this.#buffer = new Array<M | undefined>(capacity)
  }

  /** Messages dropped because the buffer was full (oldest first). */
  get dropped(): number {
    return this.#dropped
  }

  /** Messages waiting to be read. */
  get buffered(): number {
    return this.#size
  }

  /** True once the stream ended. */
  get ended(): boolean {
    return this.#ended
  }

  /** Sets what ending the stream releases (its listener, its abort hook); runs it at once if already ended. */
  onEnd(release: () => void): void {
    if (this.#ended) release()
    else this.#release = release
  }

  /** Hands one message to a waiting reader, or buffers it (dropping the oldest when full). */
  push(message: M): void {
    if (this.#ended) return
    const waiter = this.#waiters.shift()
    if (waiter !== undefined) {
      waiter({ value: message, done: false })
      return
    }
    if (this.#size === this.#capacity) {
      this.#buffer[this.#head] = undefined
      this.#head = (this.#head + 1) % this.#capacity
      this.#size--
      this.#dropped++
    }
    this.#buffer[(this.#head + this.#size) % this.#capacity] = message
    this.#size++
  }

  /** Ends the stream: buffered messages are discarded, waiting readers get `done`. Idempotent. */
  end(): void {
    if (this.#ended) return
    this.#ended = true
    this.#buffer.fill(undefined)
    this.#size = 0
    for (const waiter of this.#waiters.splice(0)) waiter({ value: undefined, done: true })
    const release = this.#release
    this.#release = undefined
    release?.()
  }

  /** The next message: at once when one is buffered, else when one arrives; `done` once the stream ended. */
  next(): Promise<IteratorResult<M>> {
    if (this.#size > 0) {
      const value = this.#buffer[this.#head] as M
      this.#buffer[this.#head] = undefined
      this.#head = (this.#head + 1) % this.#capacity
      this.#size--
      return Promise.resolve({ value, done: false })
    }
    if (this.#ended) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Ends the stream (what `break` calls). */
  return(): Promise<IteratorResult<M>> {
    this.end()
    return Promise.resolve({ value: undefined, done: true })
  }

  /** The stream is its own iterator (it can be iterated once). */
  [Symbol.asyncIterator](): this {
    return this
  }

  /** Ends the stream (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.end()
    return Promise.resolve()
  }
}
