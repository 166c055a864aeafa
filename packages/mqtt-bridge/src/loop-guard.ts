/**
 * Remembers the messages the bridge injected into Pavillion so that their
 * echo — the same target, name and payload coming back from the link the
 * bridge injected it into, e.g. from a server that republishes what it
 * receives — is not bridged back to MQTT.
 *
 * Each injection suppresses one echo within `ttl` ms; the table holds at most
 * `capacity` entries (the oldest goes first), so it never grows unbounded.
 */
export class LoopGuard {
  readonly #ttl: number
  readonly #capacity: number
  /** fingerprint → expiry times of the injections not yet echoed, oldest first. */
  readonly #entries = new Map<string, number[]>()
  #size = 0

  constructor(ttl: number, capacity: number) {
    this.#ttl = ttl
    this.#capacity = capacity
  }

  /** Records that the bridge injected this message into `link` at `now`. */
  injected(link: string, target: string, name: string, payload: Uint8Array, now: number): void {
    const key = fingerprint(link, target, name, payload)
    const times = this.#entries.get(key)
    if (times === undefined) this.#entries.set(key, [now + this.#ttl])
    else {
      this.#entries.delete(key) // re-inserted last: Map order is the eviction order
      this.#entries.set(key, [...times, now + this.#ttl])
    }
    this.#size++
    while (this.#size > this.#capacity) this.#evictOldest()
  }

  /** True (and the injection is consumed) when this message is the echo of one the bridge injected into `link`. */
  isEcho(link: string, target: string, name: string, payload: Uint8Array, now: number): boolean {
    const key = fingerprint(link, target, name, payload)
    const times = this.#entries.get(key)
    if (times === undefined) return false
    while (times.length > 0 && times[0]! < now) {
      times.shift()
      this.#size--
    }
    const echo = times.length > 0
    if (echo) {
      times.shift()
      this.#size--
    }
    if (times.length === 0) this.#entries.delete(key)
    return echo
  }

  /** Injections remembered. */
  get size(): number {
    return this.#size
  }

  #evictOldest(): void {
    const first = this.#entries.entries().next()
    if (first.done === true) return
    const [key, times] = first.value
    times.shift()
    this.#size--
    if (times.length === 0) this.#entries.delete(key)
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** The exact message as a string key (payloads are at most a few kilobytes). */
function fingerprint(link: string, target: string, name: string, payload: Uint8Array): string {
  let hex = ''
  for (const byte of payload) hex += HEX[byte]
  return `${link}\n${target}\n${name}\n${hex}`
}
