import type { LoopGuard } from './loop-guard.ts'
import { type IncomingPublish, PUBACK } from './mqtt-link.ts'
import type { InboundRule, ResolvedOptions } from './options.ts'
import type { ToPavillionStats } from './stats.ts'
import { decodeLevels, fixedLevels, matchesFilter } from './topics.ts'
import { crossed } from './user-properties.ts'

/**
 * Publishes into Pavillion through one link (or the bridge's own server);
 * resolves true once every recipient acknowledged a reliable publish.
 * @throws what the publish rejects with (no acknowledgement, backpressure, closed)
 */
export type Publisher = (
  target: string,
  name: string,
  payload: Uint8Array,
  reliable: boolean,
  timeout: number,
) => Promise<boolean>

/**
 * MQTT → Pavillion publishes. A message on a topic matching an inbound rule
 * is published to the rule's link: QoS 1 and 2 as a reliable Pavillion
 * publish, PUBACKed (success) only once the Pavillion server acknowledged
 * it; QoS 0 unreliably. Nothing else gets in: no rule, no entry.
 */
export class Inbound {
  readonly #options: ResolvedOptions
  readonly #publishers: ReadonlyMap<string, Publisher>
  readonly #guard: LoopGuard
  readonly #counters: ToPavillionStats
  readonly #log: (line: string) => void

  constructor(
    options: ResolvedOptions,
    publishers: ReadonlyMap<string, Publisher>,
    guard: LoopGuard,
    counters: ToPavillionStats,
  ) {
    this.#options = options
    this.#publishers = publishers
    this.#guard = guard
    this.#counters = counters
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:in', line)
  }

  /** The topic filters to subscribe. */
  filters(): string[] {
    return this.#options.inbound.map((rule) => rule.filter)
  }

  /** The first rule whose filter matches `topic`. */
  ruleFor(topic: string): InboundRule | undefined {
    return this.#options.inbound.find((rule) => matchesFilter(rule.filter, topic))
  }

  /** Bridges one message matched by `rule`; resolves with the PUBACK reason code. */
  async bridge(rule: InboundRule, message: IncomingPublish): Promise<number> {
    const c = this.#counters
    const { topic, payload, qos, packet } = message
    if (crossed(packet, this.#options.id)) {
      c.loops++
      this.#log(`loop: ${topic} carries this bridge's mark; not injected again`)
      return PUBACK.success
    }
    const rest = topic.split('/').slice(fixedLevels(rule.filter))
    if (rest.some((level) => level.startsWith('$'))) {
      c.ignored++
      return PUBACK.success
    }
    const target = rule.target ?? decodeLevels(rest.shift() ?? '')
    const name = decodeLevels(rest.join('/'))
    if (
      target === undefined ||
      name === undefined ||
      (rule.target === undefined && target === '' && rest.length === 0)
    ) {
      c.refused++
      this.#log(`refused ${topic}: no target and name in it`)
      return PUBACK.topicNameInvalid
    }
    if (rule.targets !== undefined && !rule.targets.includes(target)) {
      c.refused++
      this.#log(`refused ${topic}: target "${target}" is not allowed through ${rule.filter}`)
      return PUBACK.notAuthorized
    }
    const publish = this.#publishers.get(rule.to)
    if (publish === undefined) return PUBACK.unspecifiedError // resolveOptions checked the rule's link
    // Recorded before sending: the echo may come back before the acknowledgement.
    this.#guard.injected(rule.to, target, name, payload, performance.now())
    c.bridged++
    const { timeout } = this.#options
    if (qos === 0) {
      await publish(target, name, payload, false, timeout).catch((error: Error) => {
        this.#log(`${target}/${name} to ${rule.to} not sent: ${error.message}`)
      })
      return PUBACK.success
    }
    let outcome: string
    try {
      outcome = (await publish(target, name, payload, true, timeout)) ? 'acknowledged' : 'partly acknowledged'
    } catch (error) {
      outcome = (error as Error).message
    }
    this.#log(`${topic} → ${rule.to} ${target}/${name}: ${outcome}`)
    if (outcome !== 'acknowledged') {
      c.failed++
      return PUBACK.unspecifiedError
    }
    c.acknowledged++
    return PUBACK.success
  }
}
