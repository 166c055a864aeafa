/** A listener of one event type. */
export type Listener<T> = (event: T) => void

/**
 * A small typed event emitter: `on(type, listener)` returns the function that
 * removes the listener. A listener that throws does not stop the others; the
 * error goes to the `onListenerError` hook.
 */
export class Emitter<M extends object> {
  readonly #listeners = new Map<keyof M, Set<Listener<never>>>()
  readonly #onListenerError: (error: unknown) => void

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError
  }

  /** Adds a listener; returns its remover. Pass `{ signal }` to remove it on abort. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>, options?: { signal?: AbortSignal }): () => void {
    let set = this.#listeners.get(type)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(type, set)
    }
    set.add(listener as Listener<never>)
    const off = () => set.delete(listener as Listener<never>)
    options?.signal?.addEventListener('abort', off, { once: true })
    return off
  }

  /** True when `type` has at least one listener. */
  has(type: keyof M): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0
  }

  /** Calls every listener of `type` with `event`. */
  emit<K extends keyof M>(type: K, event: M[K]): void {
    const set = this.#listeners.get(type)
    if (set === undefined) return
    for (const listener of set) {
      try {
        ;(listener as Listener<M[K]>)(event)
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
