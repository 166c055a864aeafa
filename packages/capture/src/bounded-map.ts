import { InvalidArgumentError } from 'pavillion'
/**
 * A Map that forgets its oldest entry once it holds `capacity`: what a
 * decoder learns from a capture (nonce requests, session keys) stays bounded
 * however large or hostile the file is. Setting a key again makes it newest.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>()
  readonly #capacity: number

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new InvalidArgumentError(`"capacity" expected an integer >= 1, got ${capacity}`)
    this.#capacity = capacity
  }

  get(key: K): V | undefined {
    return this.#entries.get(key)
  }

  set(key: K, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
  }

  delete(key: K): void {
    this.#entries.delete(key)
  }
}
