/** A listener of one typed event: receives a `CustomEvent` whose `detail` has the event's type. */
export type TypedEventListener<T> =
  | ((event: CustomEvent<T>) => void)
  | { handleEvent(event: CustomEvent<T>): void }

/** Options of `addEventListener`: `{ signal }` removes the listener on abort, `{ once }` after one call. */
export interface TypedListenerOptions {
  readonly capture?: boolean
  readonly once?: boolean
  readonly passive?: boolean
  readonly signal?: AbortSignal
}

type BaseListener = Parameters<EventTarget['addEventListener']>[1]

/**
 * An `EventTarget` whose event names and `detail` types are checked: the
 * map `M` associates each `noun:verb` name with its detail. Works with
 * `{ signal }`, `{ once }` and everything else `addEventListener` takes.
 * A listener that throws does not stop the others and never escapes: its
 * exception is dispatched as an `error` event (`detail: { error }`), like
 * the engine's own listeners; an `error` listener that throws is ignored.
 *
 * @example
 * ```ts
 * client.addEventListener('server:connected', ({ detail }) => console.log(detail.server.key), { signal })
 * ```
 */
export class TypedEventTarget<M extends object> extends EventTarget {
  /** The guarded stand-in of each listener, per type and capture flag (so adding one twice stays a no-op). */
  readonly #guarded = new Map<string, WeakMap<object, (event: Event) => void>>()

  /** Adds a listener of event `type` (see `EventTarget.addEventListener`). */
  override addEventListener<K extends keyof M & string>(
    type: K,
    listener: TypedEventListener<M[K]>,
    options?: boolean | TypedListenerOptions,
  ): void {
    super.addEventListener(type, this.#guard(type, listener, captureOf(options), true), options)
  }

  /** Removes a listener added with the same type, listener and capture flag. */
  override removeEventListener<K extends keyof M & string>(
    type: K,
    listener: TypedEventListener<M[K]>,
    options?: boolean | { readonly capture?: boolean },
  ): void {
    const guarded = this.#guard(type, listener, captureOf(options), false)
    if (guarded !== undefined) super.removeEventListener(type, guarded, options)
  }

  /** Dispatches a `CustomEvent` named `type` carrying `detail`. */
  protected emit<K extends keyof M & string>(type: K, detail: M[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }

  #guard(type: string, listener: TypedEventListener<never>, capture: boolean, create: true): BaseListener
  #guard(
    type: string,
    listener: TypedEventListener<never>,
    capture: boolean,
    create: false,
  ): BaseListener | undefined
  #guard(
    type: string,
    listener: TypedEventListener<never>,
    capture: boolean,
    create: boolean,
  ): BaseListener | undefined {
    const slot = `${capture ? 'c' : 'b'}${type}`
    let byListener = this.#guarded.get(slot)
    const existing = byListener?.get(listener)
    if (existing !== undefined || !create) return existing
    if (byListener === undefined) {
      byListener = new WeakMap()
      this.#guarded.set(slot, byListener)
    }
    const guarded = (event: Event): void => {
      try {
        if (typeof listener === 'function') listener(event as CustomEvent<never>)
        else listener.handleEvent(event as CustomEvent<never>)
      } catch (error) {
        if (type !== 'error') this.dispatchEvent(new CustomEvent('error', { detail: { error } }))
      }
    }
    byListener.set(listener, guarded)
    return guarded
  }
}

function captureOf(options: boolean | { readonly capture?: boolean } | undefined): boolean {
  return typeof options === 'boolean' ? options : options?.capture === true
}
