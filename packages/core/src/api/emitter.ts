import type { AbortOptions } from './options.ts'

/** A listener of one event type. */
export type Listener<T> = (event: T) => void

/**
 * The one typed event mechanism of every Pavillion package (engine, layers,
 * umbrella): `on(type, listener)` returns the function that removes the
 * listener; `{ signal }` removes it on abort (an aborted signal adds nothing).
 * A listener that throws does not stop the others and never escapes `emit`:
 * its exception is emitted as an `error` event (`{ error }`). When there is
 * no `error` listener to take it, or an `error` listener throws, it is written
 * to `console.error` with the event's name: reported, never lost, no loop.
 * An owner that wants another policy passes `onListenerError`, which then
 * receives every such exception.
 * Adding one function twice registers it twice, each with its own remover.
 *
 * @example
 * ```ts
 * const events = new Emitter<{ tick: number; error: { error: unknown } }>()
 * const off = events.on('tick', (n) => console.log(n), { signal })
 * events.emit('tick', 1)
 * off()
 * ```
 */
export class Emitter<M extends object> {
  readonly #listeners = new Map<keyof M, Set<Listener<never>>>()
  readonly #onListenerError: ((error: unknown) => void) | undefined

  constructor(onListenerError?: (error: unknown) => void) {
    this.#onListenerError = onListenerError
  }

  /** Adds a listener; returns its remover. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>, options?: AbortOptions): () => void {
    const signal = options?.signal
    if (signal?.aborted) return () => {}
    let listeners = this.#listeners.get(type)
    if (listeners === undefined) {
      listeners = new Set()
      this.#listeners.set(type, listeners)
    }
    const entry = ((event: M[K]) => listener(event)) as Listener<never>
    listeners.add(entry)
    const remove = () => {
      listeners.delete(entry)
      signal?.removeEventListener('abort', remove)
    }
    signal?.addEventListener('abort', remove, { once: true })
    return remove
  }

  /** True when `type` has at least one listener. */
  has(type: keyof M): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0
  }

  /** Calls every listener of `type` with `event` (those added meanwhile wait for the next event). */
  emit<K extends keyof M>(type: K, event: M[K]): void {
    const listeners = this.#listeners.get(type)
    if (listeners === undefined || listeners.size === 0) return
    for (const listener of [...listeners]) {
      try {
        ;(listener as Listener<M[K]>)(event)
      } catch (error) {
        if (this.#onListenerError !== undefined) this.#onListenerError(error)
        else if (type !== 'error' && this.has('error' as K)) this.emit('error' as K, { error } as M[K])
        else unheard(type, error)
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear()
  }
}

/** The last resort for a listener's exception that no `error` listener takes. */
function unheard(type: PropertyKey, error: unknown): void {
  // biome-ignore lint/suspicious/noConsole: nobody listens for this exception, and dropping it would hide a bug
  console.error(
    `pavillion: a "${String(type)}" listener threw (add an "error" listener to handle it):`,
    error,
  )
}
