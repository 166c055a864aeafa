import {
  type PavillionClient,
  parseValue,
  type RegisterInfo,
  RegisterRefusedError,
  type RegisterValue,
} from 'pavillion'
import { LatestOnly } from './latest-only.ts'
import { type IncomingPublish, type MqttLink, PUBACK } from './mqtt-link.ts'
import type { ResolvedRegisterRule as RegisterRule, ResolvedOptions } from './options.ts'
import { valueText } from './register-values.ts'
import type { RegistersBridgeStats } from './stats.ts'
import { encodeLevel } from './topics.ts'
import { PROP } from './user-properties.ts'

/** The topic level of registers: `<prefix>/<link>/$reg/<register>`. */
export const REG_LEVEL = '$reg'

/** Longest wait before an observation that failed is opened again, ms (doubling from 500). */
const MAX_RETRY_MS = 30_000

const encoder = new TextEncoder()

/**
 * Registers as retained topics. For each register rule it observes the
 * listed registers (or every register the link's server lists) and publishes
 * each value, retained, on `<prefix>/<link>/$reg/<R>` (its description once
 * on `…/$info`). A publish on `…/$reg/<R>/set` writes `R` through the link
 * when the rule's `write` list has it — PUBACKed once the device applied it —
 * and the outcome goes to `…/set/result`. Observations end on close and are
 * opened again whenever the link's server (re)connects.
 */
export class RegistersBridge {
  readonly #options: ResolvedOptions
  readonly #links: ReadonlyMap<string, PavillionClient>
  readonly #mqtt: () => MqttLink
  readonly #counters: RegistersBridgeStats
  readonly #log: (line: string) => void
  readonly #stop: AbortSignal
  /** Per link: aborted (and replaced) when its server connects again, which restarts its observations. */
  readonly #generations = new Map<string, AbortController>()
  /** Per link and register: its description, once known (datatype for writes). */
  readonly #infos = new Map<string, RegisterInfo>()
  /** Values and descriptions: the latest of each topic, at most two per topic while the broker is down. */
  readonly #retained: LatestOnly

  constructor(
    options: ResolvedOptions,
    links: ReadonlyMap<string, PavillionClient>,
    mqtt: () => MqttLink,
    counters: RegistersBridgeStats,
    stop: AbortSignal,
  ) {
    this.#options = options
    this.#links = links
    this.#mqtt = mqtt
    this.#counters = counters
    this.#stop = stop
    this.#retained = new LatestOnly(mqtt, () => counters.coalesced++)
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:registers', line)
  }

  /** The filters to subscribe: `…/$reg/+/set` of each link with writable registers. */
  filters(): string[] {
    return this.#options.registers
      .filter((rule) => rule.write.length > 0)
      .map((rule) => `${this.#topic(rule.to)}/+/set`)
  }

  /** Opens the observations of every rule (each keeps itself open until close). */
  start(): void {
    for (const rule of this.#options.registers) {
      this.#generations.set(rule.to, new AbortController())
      const client = this.#links.get(rule.to)!
      if (rule.observe === 'all') void this.#observeAll(rule, client)
      else for (const register of rule.observe) void this.#keepObserving(rule, client, register)
    }
  }

  /** Link `id`'s server connected again: its observations are opened anew (the server forgot them). */
  reconnected(id: string): void {
    const generation = this.#generations.get(id)
    if (generation === undefined) return
    this.#generations.set(id, new AbortController())
    generation.abort()
  }

  /** The link and register `topic` writes, or undefined when it is no `…/$reg/<R>/set` topic of a rule. */
  parse(topic: string): { rule: RegisterRule; register: number } | undefined {
    const levels = topic.split('/')
    const prefix = this.#options.prefix.split('/')
    const n = prefix.length
    if (levels.length !== n + 4 || levels[n + 1] !== REG_LEVEL || levels[n + 3] !== 'set') return undefined
    if (prefix.some((level, i) => levels[i] !== level)) return undefined
    const rule = this.#options.registers.find((r) => encodeLevel(r.to) === levels[n])
    const text = levels[n + 2]!
    const register = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN
    return rule === undefined ? undefined : { rule, register }
  }

  /** Writes one `…/set` message; resolves with the PUBACK reason code once the device answered. */
  async write(request: { rule: RegisterRule; register: number }, message: IncomingPublish): Promise<number> {
    const c = this.#counters
    const { rule, register } = request
    if (!rule.write.includes(register)) {
      c.refused++
      this.#log(`refused ${message.topic}: register not in the write list`)
      this.#result(message, 'refused', 'register not writable from MQTT')
      return PUBACK.notAuthorized
    }
    const outcome = await this.#apply(rule.to, register, message.payload)
    this.#log(`${rule.to} register ${register} ← ${message.topic}: ${outcome[0]}`)
    this.#result(message, ...outcome)
    if (outcome[0] !== 'ok') {
      c.failed++
      return PUBACK.unspecifiedError
    }
    c.written++
    return PUBACK.success
  }

  /** Writes `payload` (text) to `register` through link `link`: `['ok', '']`, or the refusal and its text. */
  async #apply(link: string, register: number, payload: Uint8Array): Promise<[string, string]> {
    const client = this.#links.get(link)!
    const { timeout } = this.#options
    const key = `${link}/${register}`
    try {
      const info = this.#infos.get(key) ?? (await client.registers.info(register, { timeout }))
      this.#infos.set(key, info) // bounded: only listed registers get here
      let value: RegisterValue
      try {
        value = parseValue(info.datatype, new TextDecoder().decode(payload))
      } catch (error) {
        return ['bad-value', (error as Error).message] // never sent to the device
      }
      await client.registers.write(register, value, { type: info.datatype, timeout })
      return ['ok', '']
    } catch (error) {
      if (error instanceof RegisterRefusedError) return [error.reason, error.text]
      const code = (error as { code?: string }).code
      return [code === 'ERR_TIMEOUT' ? 'timeout' : 'failed', (error as Error).message]
    }
  }

  #topic(link: string, register?: number): string {
    const base = `${this.#options.prefix}/${encodeLevel(link)}/${REG_LEVEL}`
    return register === undefined ? base : `${base}/${register}`
  }

  /** `ok`, or the refusal and its text, on `…/set/result` (not retained). */
  #result(message: IncomingPublish, status: string, text: string): void {
    this.#mqtt().publish(
      `${message.topic}/result`,
      encoder.encode(text === '' ? status : `${status}: ${text}`),
      message.qos === 0 ? 0 : 1,
      false,
      { [PROP.status]: status, [PROP.via]: this.#options.id },
      () => {},
    )
  }

  /** Lists the link's registers (retrying until it answers), then observes each. */
  async #observeAll(rule: RegisterRule, client: PavillionClient): Promise<void> {
    for (let attempt = 0; !this.#stop.aborted; attempt++) {
      const signal = this.#signal(rule.to)
      try {
        const infos = await client.registers.list({ signal })
        for (const info of infos) void this.#keepObserving(rule, client, info.register)
        return
      } catch (error) {
        if (!this.#stop.aborted) this.#log(`${rule.to}: list failed: ${(error as Error).message}`)
      }
      await this.#pause(rule.to, signal, attempt)
    }
  }

  /** Observes one register until close, opening it again after a failure or a reconnection. */
  async #keepObserving(rule: RegisterRule, client: PavillionClient, register: number): Promise<void> {
    const c = this.#counters
    for (let attempt = 0; !this.#stop.aborted; attempt++) {
      const signal = this.#signal(rule.to)
      let observing = false
      try {
        const info = await client.registers.info(register, { signal })
        this.#infos.set(`${rule.to}/${register}`, info)
        const { name, datatype, interface: iface, description, writable } = info
        const properties = {
          [PROP.register]: String(register),
          [PROP.datatype]: datatype,
          [PROP.via]: this.#options.id,
        }
        const topic = this.#topic(rule.to, register)
        const about = { name, datatype, interface: iface, description, writable }
        this.#retained.publish(`${topic}/$info`, encoder.encode(JSON.stringify(about)), properties)
        const observation = client.registers.observe(register, {
          type: datatype,
          rateLimitMs: rule.rateLimitMs,
          signal,
        })
        observing = true
        c.observed++
        for await (const update of observation) {
          attempt = 0
          c.updates++
          const text = valueText(datatype, update.value)
          this.#retained.publish(topic, encoder.encode(text), properties)
        }
      } catch (error) {
        if (!signal.aborted) {
          c.errors++
          this.#log(`${rule.to} register ${register}: ${(error as Error).message}`)
        }
      } finally {
        if (observing) c.observed--
      }
      await this.#pause(rule.to, signal, attempt)
    }
  }

  /** Close or the link's current generation. */
  #signal(link: string): AbortSignal {
    return AbortSignal.any([this.#stop, this.#generations.get(link)!.signal])
  }

  /** Waits before trying again: not at all after a reconnection, else 500 ms doubling up to 30 s, or until one. */
  #pause(link: string, signal: AbortSignal, attempt: number): Promise<void> {
    if (signal.aborted) return Promise.resolve()
    const wake = this.#signal(link)
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(
        () => {
          wake.removeEventListener('abort', done)
          resolve()
        },
        Math.min(MAX_RETRY_MS, 500 * 2 ** Math.min(attempt, 10)),
      )
      wake.addEventListener('abort', done, { once: true })
    })
  }
}
