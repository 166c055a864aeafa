import type { AbortOptions } from '@pavillion/core'

/** A listener of one event type. */
export type EventListener<T> = (event: T) => void

/**
 * The typed events of a pub/sub object. `on(type, listener)` returns the
 * remover; `{ signal }` removes the listener on abort. A listener that throws
 * does not stop the others: its error goes to `onListenerError`.
 */
export class TypedEvents<M extends object> {
  readonly #listeners = new Map<keyof M, Set<EventListener<never>>>()
  readonly #onListenerError: (error: unknown) => void

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError
  }

  /** Adds a listener; returns its remover. */
  on<K extends keyof M>(type: K, listener: EventListener<M[K]>, options?: AbortOptions): () => void {
    const signal = options?.signal
    if (signal?.aborted) return () => {}
    let listeners = this.#listeners.get(type)
    if (listeners === undefined) {
      listeners = new Set()
      this.#listeners.set(type, listeners)
    }
    const entry = ((event: M[K]) => listener(event)) as EventListener<never>
    listeners.add(entry)
    const remove = () => {
      listeners.delete(entry)
      signal?.removeEventListener('abort', remove)
    }
    signal?.addEventListener('abort', remove, { once: true })
    return remove
  }

  /** True when `type` has a listener. */
  has(type: keyof M): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0
  }

  /** Calls every listener of `type`. */
  emit<K extends keyof M>(type: K, event: M[K]): void {
    const listeners = this.#listeners.get(type)
    if (listeners === undefined) return
    for (const listener of [...listeners]) {
      try {
        ;(listener as EventListener<M[K]>)(event)
      } catch (error) {
        this.#onListenerError(error)
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear()
  }
}
