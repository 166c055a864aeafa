import type { ClientInfo, Runtime } from '@pavillion/core'

/** One client's observation of one register. */
interface Observation {
  readonly register: number
  readonly client: ClientInfo
  expiresAt: number
  rateLimit: number
  lastSentAt: number
  /** A change arrived within the rate limit: the latest value goes out when it ends. */
  pending: boolean
  cancelTimer: (() => void) | undefined
}

/** Bounds of an {@link ObservationTable}. */
export interface ObservationLimits {
  readonly perRegister: number
  readonly perSession: number
}

/** What the table calls to send a register's current value to one client. */
export type Notify = (register: number, client: ClientInfo) => void

/**
 * Every live observation of a server: added and renewed by observe packets,
 * removed on cancel, expiry and session close; notifies on change, at most
 * once per rate limit, always ending with the latest value. One timer per
 * observation at most (its next flush or its expiry).
 */
export class ObservationTable {
  readonly #byRegister = new Map<number, Map<string, Observation>>()
  readonly #perSession = new Map<string, number>()
  readonly #limits: ObservationLimits
  readonly #timers: Pick<Runtime, 'setTimer' | 'now'>
  readonly #notify: Notify

  constructor(limits: ObservationLimits, timers: Pick<Runtime, 'setTimer' | 'now'>, notify: Notify) {
    this.#limits = limits
    this.#timers = timers
    this.#notify = notify
  }

  /** Live observations, all registers. */
  get size(): number {
    let size = 0
    for (const observers of this.#byRegister.values()) size += observers.size
    return size
  }

  /** Observations of one register. */
  observers(register: number): number {
    return this.#byRegister.get(register)?.size ?? 0
  }

  /**
   * Starts or renews (replacing duration and rate limit) `client`'s
   * observation; the caller sends the current value at once. Returns false, changing
   * nothing, when a new observation would pass a bound.
   */
  observe(register: number, client: ClientInfo, durationMs: number, rateLimit: number): boolean {
    const now = this.#timers.now()
    let observers = this.#byRegister.get(register)
    let observation = observers?.get(client.key)
    if (observation === undefined) {
      if ((observers?.size ?? 0) >= this.#limits.perRegister) return false
      if ((this.#perSession.get(client.key) ?? 0) >= this.#limits.perSession) return false
      observation = {
        register,
        client,
        expiresAt: 0,
        rateLimit: 0,
        lastSentAt: now,
        pending: false,
        cancelTimer: undefined,
      }
      if (observers === undefined) {
        observers = new Map()
        this.#byRegister.set(register, observers)
      }
      observers.set(client.key, observation)
      this.#perSession.set(client.key, (this.#perSession.get(client.key) ?? 0) + 1)
    }
    observation.expiresAt = now + durationMs
    observation.rateLimit = rateLimit
    observation.pending = false
    observation.lastSentAt = now
    this.#arm(observation)
    return true
  }

  /** Ends `client`'s observation of `register`, if any. */
  cancel(register: number, clientKey: string): void {
    const observation = this.#byRegister.get(register)?.get(clientKey)
    if (observation !== undefined) this.#remove(observation)
  }

  /** `register` changed: notify each observer now, or when its rate limit ends. */
  changed(register: number): void {
    const observers = this.#byRegister.get(register)
    if (observers === undefined) return
    const now = this.#timers.now()
    for (const observation of [...observers.values()]) {
      if (now >= observation.expiresAt) {
        this.#remove(observation)
      } else if (now - observation.lastSentAt >= observation.rateLimit) {
        observation.lastSentAt = now
        observation.pending = false
        this.#notify(register, observation.client)
      } else if (!observation.pending) {
        observation.pending = true
        this.#arm(observation)
      }
    }
  }

  /** Drops every observation of `register` (it was removed). */
  dropRegister(register: number): void {
    for (const observation of [...(this.#byRegister.get(register)?.values() ?? [])]) this.#remove(observation)
  }

  /** Drops every observation of one session (it closed). */
  dropSession(clientKey: string): void {
    if (!this.#perSession.has(clientKey)) return
    for (const observers of [...this.#byRegister.values()]) {
      const observation = observers.get(clientKey)
      if (observation !== undefined) this.#remove(observation)
    }
  }

  /** Drops everything and cancels every timer. */
  clear(): void {
    for (const observers of [...this.#byRegister.values()])
      for (const o of [...observers.values()]) this.#remove(o)
  }

  #arm(observation: Observation): void {
    observation.cancelTimer?.()
    const at = observation.pending ? observation.lastSentAt + observation.rateLimit : observation.expiresAt
    observation.cancelTimer = this.#timers.setTimer(Math.min(at, observation.expiresAt), () =>
      this.#fire(observation),
    )
  }

  #fire(observation: Observation): void {
    observation.cancelTimer = undefined
    const now = this.#timers.now()
    if (now >= observation.expiresAt) {
      this.#remove(observation)
      return
    }
    if (observation.pending) {
      observation.pending = false
      observation.lastSentAt = now
      this.#notify(observation.register, observation.client)
    }
    this.#arm(observation)
  }

  #remove(observation: Observation): void {
    observation.cancelTimer?.()
    observation.cancelTimer = undefined
    const observers = this.#byRegister.get(observation.register)
    if (observers?.get(observation.client.key) !== observation) return
    observers.delete(observation.client.key)
    if (observers.size === 0) this.#byRegister.delete(observation.register)
    const count = (this.#perSession.get(observation.client.key) ?? 1) - 1
    if (count <= 0) this.#perSession.delete(observation.client.key)
    else this.#perSession.set(observation.client.key, count)
  }
}
