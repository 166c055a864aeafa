import { positiveInteger } from './options.ts'

/**
 * The last timestamp seen per tag (PROTOCOL.md §13: a receiver ignores tag
 * values older than the tag's timestamp). Bounded: at most `max` tags, the
 * least recently updated is forgotten first (a forgotten tag accepts its next
 * value whatever its timestamp).
 */
export class TagClock {
  readonly #max: number
  readonly #last = new Map<string, bigint>()

  /** @throws InvalidArgumentError when `max` is not a positive integer */
  constructor(max: number) {
    this.#max = positiveInteger('maxTags', max)
  }

  /** The last accepted timestamp of `key`, µs. */
  last(key: string): bigint | undefined {
    return this.#last.get(key)
  }

  /** True when `timestampUs` is not older than the last one of `key`; records it then. */
  accept(key: string, timestampUs: bigint): boolean {
    const last = this.#last.get(key)
    if (last !== undefined && timestampUs < last) return false
    this.record(key, timestampUs)
    return true
  }

  /** Records `timestampUs` as the last timestamp of `key`. */
  record(key: string, timestampUs: bigint): void {
    this.#last.delete(key)
    this.#last.set(key, timestampUs)
    if (this.#last.size > this.#max) this.#last.delete(this.#last.keys().next().value as string)
  }
}
