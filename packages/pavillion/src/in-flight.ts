/**
 * The promises an object handed out that have not settled yet, so that its
 * `close()` can settle them without an unhandled rejection: a publish or
 * call nobody awaited, still in flight when the application closed, then
 * rejects with `ClosedError` quietly — the close was the application's own
 * decision. A promise that is awaited still sees the rejection. Bounded by
 * the layers' in-flight limits.
 */
export class InFlight {
  readonly #pending = new Set<Promise<unknown>>()

  /** Remembers `promise` until it settles; returns it unchanged. */
  track<T>(promise: Promise<T>): Promise<T> {
    const pending = this.#pending
    pending.add(promise)
    const forget = () => {
      pending.delete(promise)
    }
    promise.then(forget, forget)
    return promise
  }

  /** Marks every promise still pending as handled (call before the layers reject them). */
  release(): void {
    for (const promise of this.#pending) promise.catch(ignore)
    this.#pending.clear()
  }
}

function ignore(): void {}
