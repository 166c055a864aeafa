import { type Client, type Runtime, type ServerInfo, TimeoutError } from '@pavillion/core'
import type { RegisterPacket } from './core-message.ts'
import { MAX_RETRY_INTERVAL } from './limits.ts'

/** What a pending request does with an answer: ignore it, settle with a result, or (gathering) keep it and go on. */
export type Verdict<T> = { readonly settle: T } | { readonly fail: unknown } | 'ignore' | 'kept'

/** How one request is sent and retried. */
export interface RequestPlan<T> {
  readonly register: number
  readonly plaintext: Uint8Array
  /** Give up (single) or stop gathering after this many ms. */
  readonly timeout: number
  /** First retry after this many ms, doubled up to 1 s. */
  readonly retryInterval: number
  readonly signal: AbortSignal | undefined
  /** Judges each answer about `register`. */
  readonly judge: (packet: RegisterPacket<ServerInfo>) => Verdict<T>
  /** Gathering: what the request resolves with at its deadline (instead of a TimeoutError). */
  readonly gathered?: () => T
  /** Names the request in a TimeoutError. */
  readonly what: string
}

interface Pending {
  readonly judge: (packet: RegisterPacket<ServerInfo>) => boolean
  readonly close: (reason: unknown) => void
}

/**
 * Requests and their answers on the client side. The register layouts carry
 * no request number and our servers never see a retransmission the engine
 * dropped as a duplicate, so a request is retried as a fresh packet (new
 * counter) until answered; answers are matched by register and content
 * (README, "Wire rules").
 */
export class Requests {
  readonly #host: Pick<Client, 'send' | 'now'>
  readonly #timers: Pick<Runtime, 'setTimer'>
  readonly #byRegister = new Map<number, Set<Pending>>()
  readonly #lifetime: AbortSignal

  /** `lifetime` aborts when the client closes; then call `closeAll`. */
  constructor(host: Pick<Client, 'send' | 'now'>, timers: Pick<Runtime, 'setTimer'>, lifetime: AbortSignal) {
    this.#host = host
    this.#timers = timers
    this.#lifetime = lifetime
  }

  /** Requests in flight. */
  get size(): number {
    let size = 0
    for (const set of this.#byRegister.values()) size += set.size
    return size
  }

  /** Offers an answer to every request about its register. */
  answer(packet: RegisterPacket<ServerInfo>): void {
    const pending = this.#byRegister.get(packet.message.register)
    if (pending === undefined) return
    for (const p of [...pending]) p.judge(packet)
  }

  /** Sends `plan.plaintext` now and again until an answer settles it, time runs out, it is aborted or closed. */
  run<T>(plan: RequestPlan<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#lifetime.aborted) return reject(this.#lifetime.reason)
      if (plan.signal?.aborted) return reject(plan.signal.reason)
      const started = this.#host.now()
      const deadline = started + plan.timeout
      let attempts = 0
      let interval = plan.retryInterval
      let cancelTimer = () => {}
      const finish = (settle: () => void) => {
        cancelTimer()
        plan.signal?.removeEventListener('abort', onAbort)
        this.#remove(plan.register, pending)
        settle()
      }
      const pending: Pending = {
        judge: (packet) => {
          const verdict = plan.judge(packet)
          if (verdict === 'ignore' || verdict === 'kept') return false
          if ('settle' in verdict) finish(() => resolve(verdict.settle))
          else finish(() => reject(verdict.fail))
          return true
        },
        close: (reason) => finish(() => reject(reason)),
      }
      const onAbort = () => finish(() => reject(plan.signal?.reason))
      const expire = () =>
        finish(() => {
          if (plan.gathered !== undefined) resolve(plan.gathered())
          else
            reject(
              new TimeoutError(
                `${plan.what}: no answer within ${plan.timeout} ms (${attempts} transmissions)`,
                this.#host.now() - started,
                attempts,
              ),
            )
        })
      // One timer per request: the next retry, or the deadline when no retry fits before it.
      const attempt = () => {
        try {
          this.#host.send(plan.plaintext)
        } catch (error) {
          finish(() => reject(error))
          return
        }
        attempts++
        const retryAt = this.#host.now() + interval
        interval = Math.min(interval * 2, MAX_RETRY_INTERVAL)
        cancelTimer =
          retryAt < deadline
            ? this.#timers.setTimer(retryAt, attempt)
            : this.#timers.setTimer(deadline, expire)
      }
      let set = this.#byRegister.get(plan.register)
      if (set === undefined) {
        set = new Set()
        this.#byRegister.set(plan.register, set)
      }
      set.add(pending)
      plan.signal?.addEventListener('abort', onAbort, { once: true })
      attempt()
    })
  }

  /** Rejects every request in flight with `reason` (the client closed). */
  closeAll(reason: unknown): void {
    for (const set of [...this.#byRegister.values()]) for (const pending of [...set]) pending.close(reason)
  }

  #remove(register: number, pending: Pending): void {
    const set = this.#byRegister.get(register)
    set?.delete(pending)
    if (set?.size === 0) this.#byRegister.delete(register)
  }
}
