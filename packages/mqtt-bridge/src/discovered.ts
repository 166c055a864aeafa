import { type Browser, browse, type DiscoveredServer, type ServerJson, serverJson } from 'pavillion/discovery'
import type { MqttLink } from './mqtt-link.ts'
import type { ResolvedOptions } from './options.ts'
import { encodeLevel } from './topics.ts'

/** The topic level of discovery presence: `<prefix>/<bridge id>/$discovered/<instance>`. */
export const DISCOVERED_LEVEL = '$discovered'

/** Services remembered `down` to publish again after a reconnection; older `down` entries are forgotten (their retained topic stays `down`). */
const MAX_DOWN = 256

/** What a `$discovered` topic carries (JSON): its state, {@link serverJson}, and the protocol version. Untrusted: it says what the link advertised, not who answers. */
export interface DiscoveredPayload extends ServerJson {
  readonly state: 'up' | 'down'
  /** The protocol version it advertises (TXT `v`). */
  readonly version: string
}

function payloadOf(server: DiscoveredServer, state: 'up' | 'down'): DiscoveredPayload {
  return { state, ...serverJson(server), version: server.version }
}

/**
 * Discovery presence as retained topics: browses `_pavillion._udp` on the
 * configured interfaces and publishes each server seen as a retained JSON
 * payload, `state: 'up'` when it appears or changes and `state: 'down'` when
 * it says goodbye, its records expire, or the bridge closes. The browser's
 * table is bounded (`maxServices`), and so is what is remembered here.
 */
export class DiscoveryPresence {
  readonly #options: ResolvedOptions
  readonly #mqtt: () => MqttLink
  readonly #log: (line: string) => void
  /** topic → last payload, least recently changed first. */
  readonly #states = new Map<string, DiscoveredPayload>()
  readonly #browser: Promise<Browser | undefined>
  /** Set by the first `close()`; later calls return it. */
  #closing: Promise<void> | undefined

  /** Starts browsing at once; a failure to open the sockets is logged (`bridge:discovery`) and leaves the rest running. */
  constructor(options: ResolvedOptions, mqtt: () => MqttLink, signal: AbortSignal) {
    this.#options = options
    this.#mqtt = mqtt
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:discovery', line)
    const discovery = options.discovery
    this.#browser =
      discovery === undefined
        ? Promise.resolve(undefined)
        : browse({ interfaces: discovery.interfaces, maxServices: discovery.maxServices, signal }).then(
            (browser) => {
              browser.on('up', ({ server }) => this.#set(server, 'up'), { signal })
              browser.on('changed', ({ server }) => this.#set(server, 'up'), { signal })
              browser.on('down', ({ server }) => this.#set(server, 'down'), { signal })
              for (const server of browser.servers()) this.#set(server, 'up')
              return browser
            },
            (error: unknown) => {
              this.#log(`browsing failed: ${error instanceof Error ? error.message : String(error)}`)
              return undefined
            },
          )
  }

  /** Publishes every known state again (after a reconnection). */
  republish(): void {
    for (const [topic, payload] of this.#states) this.#publish(topic, payload)
  }

  /**
   * Stops browsing (the signal given to the constructor must be aborted first) and marks every
   * service `down`. Idempotent: a second call waits for the first.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown()
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #shutDown(): Promise<void> {
    const browser = await this.#browser
    await browser?.close()
    for (const [topic, payload] of this.#states)
      if (payload.state === 'up') this.#publish(topic, { ...payload, state: 'down' })
  }

  #set(server: DiscoveredServer, state: 'up' | 'down'): void {
    const topic = `${this.#options.prefix}/${this.#options.id}/${DISCOVERED_LEVEL}/${encodeLevel(server.instance)}`
    const payload = payloadOf(server, state)
    this.#states.delete(topic)
    this.#states.set(topic, payload)
    if (state === 'down' && [...this.#states.values()].filter((p) => p.state === 'down').length > MAX_DOWN) {
      for (const [old, { state: oldState }] of this.#states)
        if (oldState === 'down') {
          this.#states.delete(old) // its retained topic stays `down` on the broker
          break
        }
    }
    this.#publish(topic, payload)
    this.#log(`${server.instance} ${state} (${server.addresses.join(', ')} port ${server.port})`)
  }

  #publish(topic: string, payload: DiscoveredPayload): void {
    this.#mqtt().publish(
      topic,
      new TextEncoder().encode(JSON.stringify(payload)),
      1,
      true,
      { 'pavillion-via': this.#options.id },
      () => {},
    )
  }
}
