import { InvalidArgumentError } from '@pavillion/core'
import { ALL_TARGETS } from './message.ts'

/** Receives each message of the targets it was registered for. */
export type Handler<M> = (message: M) => void

/** What a registry tells its owner. */
export interface ListenerHooks {
  /** The first listener of `target` was added (`'*'`: the first wildcard listener). */
  onFirst(target: string): void
  /** The last listener of `target` was removed (`'*'`: the last wildcard listener). */
  onLast(target: string): void
}

interface Entry<M> {
  readonly handler: Handler<M>
}

/**
 * Local listeners by target, plus wildcard listeners that receive every
 * target. Bounded: at most `maxTargets` distinct targets have listeners at
 * once (the wildcard does not count).
 */
export class Listeners<M> {
  readonly #byTarget = new Map<string, Set<Entry<M>>>()
  readonly #wildcard = new Set<Entry<M>>()
  readonly #maxTargets: number
  readonly #hooks: ListenerHooks

  constructor(maxTargets: number, hooks: ListenerHooks) {
    this.#maxTargets = maxTargets
    this.#hooks = hooks
  }

  /** Targets with at least one listener, the wildcard excluded. */
  targets(): string[] {
    return [...this.#byTarget.keys()]
  }

  /** True while at least one listener takes every target. */
  get wildcard(): boolean {
    return this.#wildcard.size > 0
  }

  /**
   * Adds a listener of `target` (`'*'`: every target); returns its remover (idempotent).
   * @throws InvalidArgumentError when `maxTargets` targets already have listeners
   */
  add(target: string, handler: Handler<M>): () => void {
    const entry: Entry<M> = { handler }
    if (target === ALL_TARGETS) {
      this.#wildcard.add(entry)
      if (this.#wildcard.size === 1) this.#hooks.onFirst(ALL_TARGETS)
      return () => {
        if (this.#wildcard.delete(entry) && this.#wildcard.size === 0) this.#hooks.onLast(ALL_TARGETS)
      }
    }
    let entries = this.#byTarget.get(target)
    if (entries === undefined) {
      if (this.#byTarget.size >= this.#maxTargets) {
        throw new InvalidArgumentError(
          `listeners already cover ${this.#maxTargets} targets; raise "maxTargets"`,
        )
      }
      entries = new Set()
      this.#byTarget.set(target, entries)
      entries.add(entry)
      this.#hooks.onFirst(target)
    } else entries.add(entry)
    const set = entries
    return () => {
      if (!set.delete(entry) || set.size > 0 || this.#byTarget.get(target) !== set) return
      this.#byTarget.delete(target)
      this.#hooks.onLast(target)
    }
  }

  /**
   * Calls every listener of `target` and every wildcard listener with
   * `message`. Returns how many were called and what they threw (a throwing
   * listener does not stop the others); promises they return are passed to `onAsync`.
   */
  deliver(target: string, message: M, onAsync: (result: PromiseLike<unknown>) => void): DeliveryResult {
    const result: DeliveryResult = { called: 0, errors: [] }
    const entries = this.#byTarget.get(target)
    if (entries !== undefined) call(entries, message, result, onAsync)
    if (this.#wildcard.size > 0) call(this.#wildcard, message, result, onAsync)
    return result
  }

  /** Removes every listener, without hooks. */
  clear(): void {
    this.#byTarget.clear()
    this.#wildcard.clear()
  }
}

/** What one delivery did. */
export interface DeliveryResult {
  called: number
  readonly errors: unknown[]
}

function call<M>(
  entries: Set<Entry<M>>,
  message: M,
  result: DeliveryResult,
  onAsync: (result: PromiseLike<unknown>) => void,
): void {
  // A snapshot: a listener may remove itself (or others) while we iterate.
  for (const entry of [...entries]) {
    result.called++
    try {
      const returned: unknown = entry.handler(message)
      if (isThenable(returned)) onAsync(returned)
    } catch (error) {
      result.errors.push(error)
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  )
}
