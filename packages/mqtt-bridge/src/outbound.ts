import type { Message } from 'pavillion'
import type { LoopGuard } from './loop-guard.ts'
import type { MqttLink } from './mqtt-link.ts'
import type { ResolvedOptions } from './options.ts'
import type { ToMqttStats } from './stats.ts'
import { encodeLevel, encodeLevels } from './topics.ts'
import { PROP } from './user-properties.ts'

/** Where a Pavillion message came from, as the topic and the allow-list name it. */
export interface Origin {
  /** The link the message arrived on (a client link's ID, or `server` for the bridge's own server). */
  readonly link: string
  /** The sender's identity as text: the link ID for a server, the client ID (text or hex) for a client. */
  readonly identity: string
  /** The sender's address key. */
  readonly key: string
}

/**
 * Pavillion → MQTT: a message on target T, name N from identity I goes to
 * `<prefix>/<I>/<T>/<N>`, payload as is, QoS 1 when it was reliable (QoS 0
 * otherwise), metadata as user properties. Nothing is awaited: the message
 * is already acknowledged in Pavillion, so the bridge's bounded backlog is
 * what stands between it and the broker.
 */
export class Outbound {
  readonly #options: ResolvedOptions
  readonly #mqtt: MqttLink
  readonly #guard: LoopGuard
  readonly #counters: ToMqttStats
  readonly #log: (line: string) => void

  constructor(options: ResolvedOptions, mqtt: MqttLink, guard: LoopGuard, counters: ToMqttStats) {
    this.#options = options
    this.#mqtt = mqtt
    this.#guard = guard
    this.#counters = counters
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:out', line)
  }

  /** Bridges one message (called from the Pavillion subscription, synchronously). */
  bridge(origin: Origin, message: Message<unknown>): void {
    const { target, name, payload } = message
    const c = this.#counters
    if (this.#guard.isEcho(origin.link, target, name, payload, performance.now())) {
      c.loops++
      this.#log(`loop: ${target}/${name} from ${origin.identity} was injected by this bridge; not sent back`)
      return
    }
    if (!this.#allowed(origin.identity, target)) {
      c.refused++
      return
    }
    if (this.#mqtt.stats().pending >= this.#options.queues.toMqtt) {
      c.dropped++
      this.#log(
        `dropped ${target}/${name}: ${this.#options.queues.toMqtt} messages already waiting for the broker`,
      )
      return
    }
    const topic = `${this.#options.prefix}/${encodeLevel(origin.identity)}/${encodeLevel(target)}/${encodeLevels(name)}`
    c.bridged++
    c.queued++
    this.#mqtt.publish(
      topic,
      payload.slice(), // the payload is a view of a reused buffer: MQTT.js may write it later
      message.reliable ? 1 : 0,
      false,
      {
        [PROP.sender]: origin.identity,
        [PROP.senderKey]: origin.key,
        [PROP.counter]: message.counter.toString(),
        [PROP.reliable]: String(message.reliable),
        [PROP.via]: this.#options.id,
      },
      (error) => {
        c.queued--
        if (error === undefined) c.confirmed++
        else this.#log(`not confirmed ${topic}: ${error.message}`)
      },
    )
    this.#log(`${topic} (${payload.length} bytes, qos ${message.reliable ? 1 : 0})`)
  }

  #allowed(identity: string, target: string): boolean {
    const { identities, targets } = this.#options.outbound
    return (identities.has('*') || identities.has(identity)) && (targets.has('*') || targets.has(target))
  }
}
