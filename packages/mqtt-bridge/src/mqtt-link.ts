import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt'

/** An MQTT quality of service. */
export type QoS = 0 | 1 | 2

import type { BridgeLogger } from './debug-log.ts'
import type { MqttConnectionOptions } from './options.ts'

/** MQTT v5 PUBACK reason codes the bridge answers with. */
export const PUBACK = {
  success: 0x00,
  unspecifiedError: 0x80,
  notAuthorized: 0x87,
  topicNameInvalid: 0x90,
} as const

/** A message from the broker; `qos` 0 needs no answer. */
export interface IncomingPublish {
  readonly topic: string
  readonly payload: Uint8Array
  readonly qos: QoS
  readonly packet: IPublishPacket
}

/**
 * Handles one incoming publish and resolves with the PUBACK reason code to
 * send (QoS 1 and 2: the broker gets it only after this resolves).
 */
type PublishHandler = (message: IncomingPublish) => Promise<number>

/** Counters of the MQTT connection. */
export interface MqttLinkStats {
  readonly connected: boolean
  readonly connects: number
  readonly reconnectAttempts: number
  /** Pavillion → MQTT messages handed to MQTT.js and not yet confirmed. */
  readonly pending: number
}

/** What a {@link MqttLink} is built from. */
export interface MqttLinkOptions {
  readonly connection: MqttConnectionOptions
  readonly clientId: string
  /** The bridge's status topic: `online` on connect (retained), `offline` as the last will and on close. */
  readonly statusTopic: string
  /** Topic filters to subscribe (QoS 1, no local: the bridge never hears its own publishes). */
  readonly filters: readonly string[]
  readonly receiveMaximum: number
  readonly onPublish: PublishHandler
  readonly onConnect: () => void
  readonly logger: BridgeLogger | undefined
}

/** The URL without user info, as it may be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return '(unparsable URL)'
  }
}

/**
 * The bridge's one MQTT v5 connection (MQTT.js): a persistent session under
 * a stable client ID, a retained last will, reconnection with exponential
 * backoff, and incoming QoS 1 publishes acknowledged only when the handler
 * says so (`customHandleAcks`).
 */
export class MqttLink {
  readonly #client: MqttClient
  readonly #options: MqttLinkOptions
  readonly #log: (line: string) => void
  readonly #baseDelay: number
  readonly #maxDelay: number
  #connects = 0
  /**
   * Counts connections closed: which one a pending acknowledgement belongs to.
   * Not bumped on connect — a resumed session's queued publishes may be handled
   * before the `connect` event, and their PUBACKs must still go out.
   */
  #connection = 0
  #attempts = 0
  #pending = 0
  /** Set by the first `close()`; later calls return it. */
  #closing: Promise<void> | undefined

  constructor(options: MqttLinkOptions) {
    this.#options = options
    const logger = options.logger
    this.#log = logger === undefined ? () => {} : (line) => logger('bridge:mqtt', line)
    const c = options.connection
    this.#baseDelay = c.reconnectDelay ?? 500
    this.#maxDelay = Math.max(this.#baseDelay, c.maxReconnectDelay ?? 30_000)
    const mqttOptions: IClientOptions = {
      protocolVersion: 5,
      clientId: options.clientId,
      clean: false,
      keepalive: c.keepalive ?? 30,
      reconnectPeriod: this.#baseDelay,
      connectTimeout: c.connectTimeout ?? 10_000,
      resubscribe: true,
      properties: { sessionExpiryInterval: c.sessionExpiry ?? 3600, receiveMaximum: options.receiveMaximum },
      will: { topic: options.statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
      customHandleAcks: (_topic, _message, packet: IPublishPacket, done) => {
        // A PUBACK belongs to the connection the publish came on: after a
        // reconnection its packet identifier may name another message, and the
        // broker redelivers the unacknowledged one anyway.
        const connection = this.#connection
        const answer = (code: number) => {
          if (connection === this.#connection) done(code)
          else
            this.#log(
              `not acknowledging ${packet.topic}: the connection it came on is gone (the broker redelivers it)`,
            )
        }
        this.#dispatch(packet).then(answer, () => answer(PUBACK.unspecifiedError))
      },
      ...(c.username === undefined ? {} : { username: c.username }),
      ...(c.password === undefined ? {} : { password: c.password }),
      ...(c.ca === undefined ? {} : { ca: Buffer.from(c.ca) }),
      ...(c.cert === undefined ? {} : { cert: Buffer.from(c.cert) }),
      ...(c.key === undefined ? {} : { key: Buffer.from(c.key) }),
      ...(c.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: c.rejectUnauthorized }),
    }
    this.#client = connect(c.url, mqttOptions)
    this.#client.on('connect', (connack) => this.#connected(connack.sessionPresent))
    this.#client.on('reconnect', () => this.#backoff())
    this.#client.on('offline', () => this.#log('offline'))
    this.#client.on('close', () => {
      this.#connection++
    })
    this.#client.on('error', (error) => this.#log(`error: ${error.message}`))
    // QoS 0 publishes come here only; QoS 1 and 2 went through customHandleAcks first.
    this.#client.on('message', (_topic, _payload, packet) => {
      if (packet.qos === 0) void this.#dispatch(packet)
    })
  }

  /** True while the broker connection is up. */
  get connected(): boolean {
    return this.#client.connected
  }

  /**
   * Hands a message to MQTT.js (which queues it while offline and resends
   * unconfirmed QoS 1 after a reconnect). `done` is called once it is
   * confirmed (QoS 1: PUBACK; QoS 0: written) or failed.
   */
  publish(
    topic: string,
    payload: Uint8Array,
    qos: QoS,
    retain: boolean,
    userProperties: Record<string, string>,
    done: (error: Error | undefined) => void,
    extra: IPublishPacket['properties'] = {},
  ): void {
    this.#pending++
    this.#client.publish(
      topic,
      Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
      { qos, retain, properties: { ...extra, userProperties } },
      (error) => {
        this.#pending--
        done(error ?? undefined)
      },
    )
  }

  /** Counters of this connection. */
  stats(): MqttLinkStats {
    return {
      connected: this.#client.connected,
      connects: this.#connects,
      reconnectAttempts: this.#attempts,
      pending: this.#pending,
    }
  }

  /**
   * Publishes `offline` on the status topic, waits for in-flight publishes (≤ `timeout` ms), disconnects.
   * Idempotent: a second call waits for the first.
   */
  close(timeout = 2000): Promise<void> {
    this.#closing ??= this.#shutDown(timeout)
    return this.#closing
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  async #shutDown(timeout: number): Promise<void> {
    const deadline = performance.now() + timeout
    const within = (work: Promise<unknown>) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()))
        void work.finally(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    if (this.#client.connected) {
      await within(
        this.#client
          .publishAsync(this.#options.statusTopic, 'offline', { qos: 1, retain: true })
          .catch(() => {}),
      )
      // A graceful end waits for in-flight messages; a broker that stalls gets `timeout`, then a forced end.
      await within(this.#client.endAsync(false).catch(() => {}))
    }
    await this.#client.endAsync(true)
  }

  #connected(sessionPresent: boolean): void {
    this.#connects++
    this.#client.options.reconnectPeriod = this.#baseDelay
    this.#log(
      `connected to ${redactUrl(this.#options.connection.url)} (session ${sessionPresent ? 'resumed' : 'new'})`,
    )
    this.#client.publish(this.#options.statusTopic, 'online', { qos: 1, retain: true })
    // Once: MQTT.js resubscribes by itself whenever the broker lost the session.
    // No local (the bridge never hears itself); retain handling 2: a retained
    // message is old news, never injected into Pavillion at subscribe time.
    if (this.#connects === 1 && this.#options.filters.length > 0) {
      this.#client.subscribe([...this.#options.filters], { qos: 1, nl: true, rh: 2 }, (error) => {
        if (error) this.#log(`subscribe failed: ${error.message}`)
      })
    }
    this.#options.onConnect()
  }

  /** Doubles the reconnection delay (with ±20 % jitter) after each failed attempt, up to the maximum. */
  #backoff(): void {
    this.#attempts++
    const current = this.#client.options.reconnectPeriod ?? this.#baseDelay
    const next = Math.min(this.#maxDelay, current * 2)
    this.#client.options.reconnectPeriod = Math.round(next * (0.8 + Math.random() * 0.4))
    this.#log(`reconnecting (attempt ${this.#attempts}, next in ${this.#client.options.reconnectPeriod} ms)`)
  }

  #dispatch(packet: IPublishPacket): Promise<number> {
    const payload =
      typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : packet.payload
    return this.#options.onPublish({ topic: packet.topic, payload, qos: packet.qos, packet })
  }
}
