import type { MqttLink } from './mqtt-link.ts'
import type { ResolvedOptions } from './options.ts'
import { encodeLevel } from './topics.ts'

/** The topic level of presence: `<prefix>/<identity>/$status`. */
export const STATUS_LEVEL = '$status'

/** Identities whose state is remembered to be published again after a reconnection (ECC guests are unbounded). */
const MAX_REMEMBERED = 4096

/**
 * Device presence as retained status topics: `<prefix>/<identity>/$status`
 * is `online` while a client has a session with the bridge's server (or a
 * linked server is connected) and `offline` after, with the reason as a
 * user property. Every state is published again after each (re)connection,
 * so a broker that lost its retained messages is brought up to date.
 */
export class Presence {
  readonly #options: ResolvedOptions
  readonly #mqtt: () => MqttLink
  readonly #log: (line: string) => void
  /** topic → [state, reason], least recently changed first; offline entries beyond {@link MAX_REMEMBERED} are forgotten. */
  readonly #states = new Map<string, [string, string]>()

  constructor(options: ResolvedOptions, mqtt: () => MqttLink) {
    this.#options = options
    this.#mqtt = mqtt
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:presence', line)
  }

  /** The bridge's own status topic (its last will says `offline`). */
  bridgeTopic(): string {
    return `${this.#options.prefix}/$bridge/${this.#options.id}/status`
  }

  /** Records and publishes the state of `identity`. */
  set(identity: string, state: 'online' | 'offline', reason: string): void {
    const topic = `${this.#options.prefix}/${encodeLevel(identity)}/${STATUS_LEVEL}`
    this.#states.delete(topic)
    this.#states.set(topic, [state, reason])
    if (this.#states.size > MAX_REMEMBERED) {
      for (const [old, [oldState]] of this.#states) {
        if (oldState === 'offline') {
          this.#states.delete(old) // its retained topic stays `offline` on the broker
          break
        }
      }
    }
    this.#publish(topic, state, reason)
    this.#log(`${identity} ${state} (${reason})`)
  }

  /** Publishes every known state again (after a reconnection). */
  republish(): void {
    for (const [topic, [state, reason]] of this.#states) this.#publish(topic, state, reason)
  }

  /** Marks everything online as offline (the bridge no longer sees it). */
  closeAll(): void {
    for (const [topic, [state]] of this.#states) {
      if (state === 'online') this.#publish(topic, 'offline', 'bridge closed')
    }
  }

  #publish(topic: string, state: string, reason: string): void {
    this.#mqtt().publish(
      topic,
      new TextEncoder().encode(state),
      1,
      true,
      { 'pavillion-reason': reason, 'pavillion-via': this.#options.id },
      () => {},
    )
  }
}
