import { type PavillionClient, RemoteError, rpcStatusName } from 'pavillion'
import type { IncomingPublish, MqttLink } from './mqtt-link.ts'
import type { ResolvedOptions } from './options.ts'
import type { RpcBridgeStats } from './stats.ts'
import { encodeLevel } from './topics.ts'
import { PROP } from './user-properties.ts'

/** The topic level that marks requests: `<prefix>/<link>/$rpc/<fn>`. */
export const RPC_LEVEL = '$rpc'

/**
 * RPC as MQTT v5 request/response: a publish on `<prefix>/<link>/$rpc/<fn>`
 * with a response topic (and usually correlation data) calls function `fn`
 * on the link's server — when the RPC rules allow it — and the result, or
 * the error's status, goes to the response topic with the same correlation
 * data. Requests are PUBACKed on receipt (a Pavillion call is at most once;
 * the requester's own timeout covers a lost one), run concurrently up to
 * `queues.rpcCalls`, and beyond that are answered `busy`.
 */
export class RpcBridge {
  readonly #options: ResolvedOptions
  readonly #links: ReadonlyMap<string, PavillionClient>
  readonly #mqtt: () => MqttLink
  readonly #counters: RpcBridgeStats
  readonly #log: (line: string) => void
  #running = 0

  constructor(
    options: ResolvedOptions,
    links: ReadonlyMap<string, PavillionClient>,
    mqtt: () => MqttLink,
    counters: RpcBridgeStats,
  ) {
    this.#options = options
    this.#links = links
    this.#mqtt = mqtt
    this.#counters = counters
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:rpc', line)
  }

  /** The filters to subscribe: one per link with RPC rules. */
  filters(): string[] {
    return [
      ...new Set(this.#options.rpc.map((r) => `${this.#options.prefix}/${encodeLevel(r.to)}/${RPC_LEVEL}/+`)),
    ]
  }

  /** The link and function `topic` requests, or undefined when it is not a request topic. */
  parse(topic: string): { link: string; fn: number } | undefined {
    const levels = topic.split('/')
    const prefix = this.#options.prefix.split('/')
    if (levels.length !== prefix.length + 3 || levels[prefix.length + 1] !== RPC_LEVEL) return undefined
    if (prefix.some((level, i) => levels[i] !== level)) return undefined
    const fnText = levels[prefix.length + 2]!
    const fn = /^\d{1,5}$/.test(fnText) ? Number(fnText) : Number.NaN
    const link = this.#options.rpc.find((r) => encodeLevel(r.to) === levels[prefix.length])?.to
    return link === undefined ? undefined : { link, fn }
  }

  /** Starts the call of one request (not awaited: requests are acknowledged on receipt). */
  handle(request: { link: string; fn: number }, message: IncomingPublish): void {
    const c = this.#counters
    c.requests++
    const responseTopic = message.packet.properties?.responseTopic
    const correlation = message.packet.properties?.correlationData
    const allowed = this.#options.rpc.some((r) => r.to === request.link && r.functions.includes(request.fn))
    if (responseTopic === undefined || !allowed) {
      c.refused++
      this.#log(`refused ${message.topic}: ${allowed ? 'no response topic' : 'function not allowed'}`)
      if (responseTopic !== undefined)
        this.#answer(responseTopic, correlation, 'refused', 'function not allowed', message.qos)
      return
    }
    if (this.#running >= this.#options.queues.rpcCalls) {
      c.busy++
      this.#answer(responseTopic, correlation, 'busy', `${this.#running} calls running`, message.qos)
      return
    }
    const link = this.#links.get(request.link)!
    this.#running++
    // Arguments too large throw synchronously: as a rejection they are answered like any failure.
    Promise.resolve()
      .then(() => link.call(request.fn, message.payload, { timeout: this.#options.timeout }))
      .then(
        (result) => {
          this.#running--
          c.answered++
          this.#answer(responseTopic, correlation, '0', 'ok', message.qos, result)
        },
        (error: Error) => {
          this.#running--
          c.errors++
          const remote = error instanceof RemoteError
          const status = remote
            ? String(error.status)
            : (error as { code?: string }).code === 'ERR_TIMEOUT'
              ? 'timeout'
              : 'failed'
          const text = remote ? error.text : error.message
          this.#log(`${request.link} fn ${request.fn}: ${remote ? rpcStatusName(error.status) : status}`)
          this.#answer(
            responseTopic,
            correlation,
            status,
            remote ? rpcStatusName(error.status) : status,
            message.qos,
            new TextEncoder().encode(text),
          )
        },
      )
  }

  #answer(
    topic: string,
    correlation: Buffer | undefined,
    status: string,
    statusName: string,
    qos: 0 | 1 | 2,
    payload: Uint8Array = new Uint8Array(0),
  ): void {
    this.#mqtt().publish(
      topic,
      payload,
      qos === 0 ? 0 : 1,
      false,
      { [PROP.status]: status, [PROP.statusName]: statusName, [PROP.via]: this.#options.id },
      () => {},
      correlation === undefined ? {} : { correlationData: correlation },
    )
  }
}
