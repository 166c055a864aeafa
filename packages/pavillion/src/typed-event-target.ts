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
 * As with any `EventTarget`, a listener that throws is reported as an
 * uncaught exception (in Node.js: `process.on('uncaughtException')`); it
 * does not stop the other listeners.
 *
 * @example
 * ```ts
 * client.addEventListener('server:connected', ({ detail }) => console.log(detail.server.key), { signal })
 * ```
 */
export class TypedEventTarget<M extends object> extends EventTarget {
  /** Adds a listener of event `type` (see `EventTarget.addEventListener`). */
  override addEventListener<K extends keyof M & string>(
    type: K,
    listener: TypedEventListener<M[K]>,
    options?: boolean | TypedListenerOptions,
  ): void {
    super.addEventListener(type, listener as BaseListener, options)
  }

  /** Removes a listener added with the same type, listener and capture flag. */
  override removeEventListener<K extends keyof M & string>(
    type: K,
    listener: TypedEventListener<M[K]>,
    options?: boolean | { readonly capture?: boolean },
  ): void {
    super.removeEventListener(type, listener as BaseListener, options)
  }

  /** Dispatches a `CustomEvent` named `type` carrying `detail`. */
  protected emit<K extends keyof M & string>(type: K, detail: M[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
