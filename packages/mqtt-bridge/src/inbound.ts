import type { PavillionClient } from 'pavillion'
import type { LoopGuard } from './loop-guard.ts'
import { type IncomingPublish, PUBACK } from './mqtt-link.ts'
import type { InboundRule, ResolvedOptions } from './options.ts'
import type { ToPavillionStats } from './stats.ts'
import { decodeLevels, fixedLevels, matchesFilter } from './topics.ts'
import { crossed } from './user-properties.ts'

/**
 * MQTT → Pavillion publishes. A message on a topic matching an inbound rule
 * is published to the rule's link: QoS 1 and 2 as a reliable Pavillion
 * publish, PUBACKed (success) only once the Pavillion server acknowledged
 * it; QoS 0 unreliably. Nothing else gets in: no rule, no entry.
 */
export class Inbound {
  readonly #options: ResolvedOptions
  readonly #links: ReadonlyMap<string, PavillionClient>
  readonly #guard: LoopGuard
  readonly #counters: ToPavillionStats
  readonly #log: (line: string) => void

  constructor(
    options: ResolvedOptions,
    links: ReadonlyMap<string, PavillionClient>,
    guard: LoopGuard,
    counters: ToPavillionStats,
  ) {
    this.#options = options
    this.#links = links
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
    const link = this.#links.get(rule.to)
    if (link === undefined) return PUBACK.unspecifiedError // resolveOptions checked the rule's link
    // Recorded before sending: the echo may come back before the acknowledgement.
    this.#guard.injected(rule.to, target, name, payload, performance.now())
    c.bridged++
    if (qos === 0) {
      await link.publish(target, name, payload, { reliable: false }).catch((error: Error) => {
        this.#log(`${target}/${name} to ${rule.to} not sent: ${error.message}`)
      })
      return PUBACK.success
    }
    try {
      await link.publish(target, name, payload, { timeout: this.#options.timeout })
      c.acknowledged++
      this.#log(`${topic} → ${rule.to} ${target}/${name}: acknowledged`)
      return PUBACK.success
    } catch (error) {
      c.failed++
      this.#log(`${topic} → ${rule.to} ${target}/${name}: ${(error as Error).message}`)
      return PUBACK.unspecifiedError
    }
  }
}
