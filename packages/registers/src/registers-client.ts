import { type AbortOptions, type Client, ClosedError, type Runtime, type ServerInfo } from '@pavillion/core'
import { encodeApp, type RegisterMessage } from '@pavillion/wire'
import { type Datatype, decodeValue, encodeValue, type RegisterValue } from './codecs.ts'
import { ANSWER_OPCODES, type RegisterPacket, receiveRegisters } from './core-message.ts'
import { RegisterMalformedError, RegisterRefusedError } from './errors.ts'
import {
  DEFAULT_GATHER_TIMEOUT,
  DEFAULT_OBSERVE_DURATION,
  DEFAULT_REQUEST_TIMEOUT,
  DEFAULT_RETRY_INTERVAL,
  DIRECTORY_REGISTER,
  MAX_OBSERVE_DURATION,
  MAX_RATE_LIMIT,
} from './limits.ts'
import { RegisterObservation, type RegisterUpdate } from './observation.ts'
import { Requests, type Verdict } from './requests.ts'
import { parseDescription, parseStatus, type RegisterDescription, requestTag } from './texts.ts'

/** What a `RegistersClient` needs of a core `Client` (a `Client` has all of it). */
export type RegistersClientHost = Pick<Client, 'handle' | 'send' | 'signal' | 'now'>

/** Options of a `RegistersClient`. */
export interface RegistersClientOptions {
  /** The timer source (the client's runtime): retries, renewals, deadlines. */
  readonly runtime: Pick<Runtime, 'setTimer'>
  /** Default time a request waits for its answer, retries included, ms. Default 5000. */
  readonly timeout?: number
  /** First retry of an unanswered request, ms (doubled up to 1 s). Default 250. */
  readonly retryInterval?: number
}

/** Options of one request. */
export interface RequestOptions extends AbortOptions {
  /** Give up after this many ms. Default: the client's `timeout`. */
  readonly timeout?: number
}

/** Options of a typed read or write. */
export interface TypedOptions extends RequestOptions {
  /** The register's datatype; default: asked of the server once (opcode 9) and remembered. */
  readonly type?: Datatype
}

/** Options of a ranged read. */
export interface RangeOptions extends RequestOptions {
  /** First byte. Default 0. */
  readonly offset?: number
  /** Bytes to read (needs `offset`). Default: to the end. */
  readonly length?: number
}

/** Options of `observe`. */
export interface ObserveOptions extends AbortOptions {
  /** How long each grant lasts on the server, ms (100–65535; renewed halfway while open). Default 10 000. */
  readonly durationMs?: number
  /** Notifications at most this often, ms (0–65535); faster changes are coalesced to the latest. Default 0. */
  readonly rateLimitMs?: number
  readonly type?: Datatype
  /** Give up starting (and each renewal) after this many ms. Default: the client's `timeout`. */
  readonly timeout?: number
}

/** A register as one server describes it. */
export interface RegisterInfo extends RegisterDescription {
  readonly register: number
  readonly server: ServerInfo
}

/** One server's answer to `readAll`. */
export type ReadAllResult =
  | { readonly server: ServerInfo; readonly value: RegisterValue; readonly bytes: Uint8Array }
  | { readonly server: ServerInfo; readonly error: Error }

/** Descriptions remembered per server and register at most; all are forgotten past it. */
const MAX_DESCRIPTIONS = 4096

/**
 * Reads, writes and observes a server's registers through a core `Client`
 * (opcodes 6–10; README, "Wire rules"). Values are typed by the register's
 * datatype, asked of the server once and remembered.
 *
 * @example
 * ```ts
 * const registers = new RegistersClient(client, { runtime })
 * const t = await registers.read(100)          // 21.5
 * await registers.write(101, 40)               // resolves once applied
 * for await (const { value } of registers.observe(100, { rateLimitMs: 200 })) console.log(value)
 * ```
 */
export class RegistersClient {
  readonly #host: RegistersClientHost
  readonly #runtime: Pick<Runtime, 'setTimer'>
  readonly #timeout: number
  readonly #retryInterval: number
  readonly #requests: Requests
  readonly #descriptions = new Map<string, RegisterDescription>()
  readonly #observations = new Map<number, Set<(packet: RegisterPacket<ServerInfo>) => void>>()
  readonly #writes = new Map<number, Promise<unknown>>()
  readonly #lifetime = new AbortController()
  readonly #detach: () => void

  /**
   * Attaches to `client` (its opcode 7 and 10 handlers). Closing the client closes this too.
   * @throws RangeError for a bad timeout; Error when one of those opcodes already has a handler
   */
  constructor(client: RegistersClientHost, options: RegistersClientOptions) {
    this.#host = client
    this.#runtime = options.runtime
    this.#timeout = checkMs('timeout', options.timeout ?? DEFAULT_REQUEST_TIMEOUT)
    this.#retryInterval = checkMs('retryInterval', options.retryInterval ?? DEFAULT_RETRY_INTERVAL)
    if (this.#retryInterval === 0) throw new RangeError('"retryInterval" expected a number of ms > 0')
    this.#requests = new Requests(client, options.runtime, this.#lifetime.signal)
    this.#detach = receiveRegisters(client, ANSWER_OPCODES, (packet) => this.#onAnswer(packet))
    if (client.signal.aborted) this.close()
    else client.signal.addEventListener('abort', () => this.close(), { signal: this.#lifetime.signal })
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#lifetime.signal.aborted
  }

  /** Requests waiting for an answer. */
  get pending(): number {
    return this.#requests.size
  }

  /**
   * Reads a register's value, decoded by its datatype (the first answering server's, for a group).
   * Rejects with `RegisterRefusedError` (e.g. `unknown-register`), `TimeoutError`,
   * `RegisterMalformedError`, `ClosedError` or `signal.reason`.
   * @throws RangeError synchronously for a bad register number
   */
  async read(register: number, options: TypedOptions = {}): Promise<RegisterValue> {
    const { server, bytes } = await this.#readRange(register, {}, options)
    return this.#decode(
      register,
      options.type ?? (await this.#describe(server, register, options)).datatype,
      bytes,
    )
  }

  /**
   * Reads `length` bytes from `offset` of a register's value (opcode 6 with a range).
   * Rejects with `RegisterRefusedError` (`bad-range` past the value), and as `read`.
   * @throws RangeError synchronously for a bad register, offset or length
   */
  async readBytes(register: number, options: RangeOptions = {}): Promise<Uint8Array> {
    return (await this.#readRange(register, options, options)).bytes
  }

  /**
   * Reads a register on every server that answers within `timeout` (default
   * 2000 ms; always lasts that long): one entry per server, its value or its
   * error. Rejects only on abort and close.
   */
  async readAll(register: number, options: TypedOptions = {}): Promise<ReadAllResult[]> {
    const timeout = checkMs('timeout', options.timeout ?? DEFAULT_GATHER_TIMEOUT)
    const message: RegisterMessage = { type: 'register-read', register: checkRegister(register) }
    const plaintext = encodeApp(message)
    const answers = new Map<string, { server: ServerInfo; bytes?: Uint8Array; error?: Error }>()
    const results = await this.#requests.run({
      register,
      plaintext,
      timeout,
      retryInterval: this.#retryInterval,
      signal: options.signal,
      what: `reading register ${register} from every server`,
      gathered: () => [...answers.values()],
      judge: (packet): Verdict<never> => {
        if (answers.has(packet.sender.key)) return 'ignore'
        const answer = this.#readAnswer(packet, plaintext, 0, undefined)
        if (answer === undefined) return 'ignore'
        answers.set(
          packet.sender.key,
          answer instanceof Error
            ? { server: packet.sender, error: answer }
            : { server: packet.sender, bytes: answer },
        )
        return 'kept'
      },
    })
    return Promise.all(
      results.map(async ({ server, bytes, error }): Promise<ReadAllResult> => {
        if (bytes === undefined) return { server, error: error as Error }
        try {
          const type = options.type ?? (await this.#describe(server, register, options)).datatype
          return { server, value: this.#decode(register, type, bytes), bytes }
        } catch (failure) {
          return { server, error: failure as Error }
        }
      }),
    )
  }

  /**
   * Writes a value and resolves once a server applied it (for a group: the
   * first). Writes to one register from this client are applied in order.
   * Rejects with `RegisterRefusedError` carrying the server's reason
   * (`read-only`, `bad-value`, `unknown-register`, `failed` …), `TimeoutError`,
   * `ClosedError` or `signal.reason`.
   * @throws TypeError / RangeError (as a rejection) for a value that is not of the datatype
   */
  write(register: number, value: RegisterValue, options: TypedOptions = {}): Promise<void> {
    checkRegister(register)
    const previous = this.#writes.get(register) ?? Promise.resolve()
    const run = previous
      .catch(() => {})
      .then(async () => {
        const plaintext = await this.#writePlaintext(register, value, options)
        await this.#status(register, plaintext, `writing register ${register}`, options)
      })
    const tail = run.catch(() => {})
    this.#writes.set(register, tail)
    tail.then(() => {
      if (this.#writes.get(register) === tail) this.#writes.delete(register)
    })
    return run
  }

  /**
   * Sends a value once, without waiting for it to be applied (refusals are
   * not reported). Resolves once handed to the engine (after the datatype is known), which holds it
   * until a server is connected.
   */
  async writeUnreliable(register: number, value: RegisterValue, options: TypedOptions = {}): Promise<void> {
    checkRegister(register)
    const plaintext = await this.#writePlaintext(register, value, options)
    if (this.closed) throw new ClosedError('the registers client is closed')
    this.#host.send(plaintext)
  }

  /**
   * A register's description (opcode 9 → 10), from the first server that answers.
   * Rejects with `RegisterRefusedError` (`unknown-register`), `TimeoutError`, …
   */
  info(register: number, options: RequestOptions = {}): Promise<RegisterInfo> {
    return this.#describe(undefined, checkRegister(register, true), options)
  }

  /** Every register the (first answering) server declares, with its description, by number. */
  async list(options: RequestOptions = {}): Promise<RegisterInfo[]> {
    const { server, bytes } = await this.#readRange(DIRECTORY_REGISTER, {}, options)
    const numbers: number[] = []
    for (let i = 0; i + 1 < bytes.length; i += 2) numbers.push(bytes[i]! | (bytes[i + 1]! << 8))
    const infos: RegisterInfo[] = []
    for (let i = 0; i < numbers.length; i += 16) {
      const batch = numbers.slice(i, i + 16).map((n) => this.#describe(server, n, options))
      infos.push(...(await Promise.all(batch)))
    }
    return infos
  }

  /**
   * Observes a register: an async iterator whose first value is the current
   * one, then every change (at most one per `rateLimitMs`, coalesced to the
   * latest). The grant is renewed halfway through each `durationMs` while the
   * iterator is open; leaving the loop, `close()` or the signal cancel it on
   * the server. A refusal (`busy`, `unknown-register`) or a failed renewal
   * ends the iteration with that error.
   * @throws RangeError synchronously for a duration outside 100–65535 ms or a rate limit outside 0–65535 ms
   */
  observe(register: number, options: ObserveOptions = {}): RegisterObservation {
    checkRegister(register, true)
    const durationMs = options.durationMs ?? DEFAULT_OBSERVE_DURATION
    const rateLimitMs = options.rateLimitMs ?? 0
    if (!Number.isInteger(durationMs) || durationMs < 100 || durationMs > MAX_OBSERVE_DURATION) {
      throw new RangeError(
        `"durationMs" expected an integer in 100–${MAX_OBSERVE_DURATION}, got ${String(durationMs)}`,
      )
    }
    if (!Number.isInteger(rateLimitMs) || rateLimitMs < 0 || rateLimitMs > MAX_RATE_LIMIT) {
      throw new RangeError(
        `"rateLimitMs" expected an integer in 0–${MAX_RATE_LIMIT}, got ${String(rateLimitMs)}`,
      )
    }
    const timeout = checkMs('timeout', options.timeout ?? this.#timeout)
    const observation = new RegisterObservation()
    const plaintext = encodeApp({ type: 'observe', register, durationMs, rateLimitMs })
    const stopRequests = new AbortController()
    let cancelRenewal = () => {}
    let type: Datatype | undefined = options.type
    const onNotification = (packet: RegisterPacket<ServerInfo>) => {
      const { message } = packet
      if (message.type !== 'register-declaration' || message.offset !== 0 || type === undefined) return
      let value: RegisterValue
      try {
        value = this.#decode(register, type, message.value)
      } catch {
        return // a server disagreeing on the datatype: not this observation's value
      }
      const update: RegisterUpdate = { register, server: packet.sender, value, bytes: message.value.slice() }
      observation.push(update)
    }
    const request = (wait: number) =>
      this.#status(register, plaintext, `observing register ${register}`, {
        timeout: wait,
        signal: stopRequests.signal,
      })
    const renewLater = () => {
      cancelRenewal = this.#runtime.setTimer(this.#host.now() + durationMs / 2, () => {
        request(durationMs / 2).then(renewLater, (error: unknown) => {
          if (!stopRequests.signal.aborted) observation.fail(error)
        })
      })
    }
    const stop = () => {
      stopRequests.abort()
      cancelRenewal()
      this.#observations.get(register)?.delete(onNotification)
      if (this.#observations.get(register)?.size === 0) this.#observations.delete(register)
      options.signal?.removeEventListener('abort', onAbort)
      this.#lifetime.signal.removeEventListener('abort', closeWithClient)
      if (this.closed) return
      try {
        this.#host.send(encodeApp({ type: 'observe', register, durationMs: 0, rateLimitMs: 0 }))
      } catch {
        // closed meanwhile: the server's grant expires by itself
      }
    }
    const onAbort = () => observation.fail(options.signal?.reason)
    const closeWithClient = () => observation.fail(new ClosedError('the registers client is closed'))
    observation.attach({
      start: async () => {
        type ??= (
          await this.#describe(undefined, register, {
            timeout,
            ...(options.signal ? { signal: options.signal } : {}),
          })
        ).datatype
        let set = this.#observations.get(register)
        if (set === undefined) {
          set = new Set()
          this.#observations.set(register, set)
        }
        set.add(onNotification)
        await request(timeout)
        renewLater()
      },
      stop,
    })
    if (options.signal?.aborted) observation.fail(options.signal.reason)
    else options.signal?.addEventListener('abort', onAbort, { once: true })
    this.#lifetime.signal.addEventListener('abort', closeWithClient, { once: true })
    return observation
  }

  /** Detaches from the client and rejects every request in flight with `ClosedError`. Idempotent. */
  close(): void {
    if (this.closed) return
    const reason = new ClosedError('the registers client is closed')
    this.#lifetime.abort(reason)
    this.#detach()
    this.#requests.closeAll(reason)
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }

  #onAnswer(packet: RegisterPacket<ServerInfo>): void {
    this.#requests.answer(packet)
    const observers = this.#observations.get(packet.message.register)
    if (observers !== undefined) for (const observer of [...observers]) observer(packet)
  }

  #readRange(
    register: number,
    range: RangeOptions,
    options: RequestOptions,
  ): Promise<{ server: ServerInfo; bytes: Uint8Array }> {
    checkRegister(register, true)
    const { offset, length } = range
    if (length !== undefined && offset === undefined) throw new RangeError('"length" needs "offset"')
    if (offset !== undefined) checkU16('offset', offset)
    if (length !== undefined) checkU16('length', length)
    const message: RegisterMessage = {
      type: 'register-read',
      register,
      ...(offset === undefined ? {} : { offset }),
      ...(length === undefined ? {} : { length }),
    }
    const plaintext = encodeApp(message)
    return this.#requests.run({
      register,
      plaintext,
      timeout: checkMs('timeout', options.timeout ?? this.#timeout),
      retryInterval: this.#retryInterval,
      signal: options.signal,
      what: `reading register ${register}`,
      judge: (packet) => {
        const answer = this.#readAnswer(packet, plaintext, offset ?? 0, length)
        if (answer === undefined) return 'ignore'
        return answer instanceof Error
          ? { fail: answer }
          : { settle: { server: packet.sender, bytes: answer } }
      },
    })
  }

  /** A read's answer in `packet`: its bytes, the server's refusal, or undefined when the packet answers something else. */
  #readAnswer(
    packet: RegisterPacket<ServerInfo>,
    plaintext: Uint8Array,
    offset: number,
    length: number | undefined,
  ): Uint8Array | Error | undefined {
    const { message } = packet
    if (message.type === 'register-declaration') {
      if (message.offset !== offset || (length !== undefined && message.value.length !== length))
        return undefined
      return message.value.slice()
    }
    return this.#refusal(packet, plaintext)
  }

  /** The refusal `packet` reports for the request `plaintext`, if it is one. */
  #refusal(
    packet: RegisterPacket<ServerInfo>,
    plaintext: Uint8Array,
  ): RegisterRefusedError<ServerInfo> | undefined {
    const status = this.#statusOf(packet, plaintext)
    if (status === undefined || status.outcome === 'ok') return undefined
    return new RegisterRefusedError(packet.message.register, status.outcome, status.text, packet.sender)
  }

  #statusOf(packet: RegisterPacket<ServerInfo>, plaintext: Uint8Array) {
    if (packet.message.type !== 'register-info') return undefined
    const status = parseStatus(packet.message.info)
    if (status === undefined || status.opcode !== plaintext[0] || status.tag !== requestTag(plaintext))
      return undefined
    return status
  }

  /** Sends a request whose answer is a status report: resolves on `ok`, rejects with the refusal. */
  #status(register: number, plaintext: Uint8Array, what: string, options: RequestOptions): Promise<void> {
    return this.#requests.run({
      register,
      plaintext,
      timeout: checkMs('timeout', options.timeout ?? this.#timeout),
      retryInterval: this.#retryInterval,
      signal: options.signal,
      what,
      judge: (packet) => {
        const status = this.#statusOf(packet, plaintext)
        if (status === undefined) return 'ignore'
        if (status.outcome === 'ok') return { settle: undefined }
        return { fail: new RegisterRefusedError(register, status.outcome, status.text, packet.sender) }
      },
    })
  }

  async #writePlaintext(register: number, value: RegisterValue, options: TypedOptions): Promise<Uint8Array> {
    const type = options.type ?? (await this.#describe(undefined, register, options)).datatype
    return encodeApp({ type: 'register-declaration', register, offset: 0, value: encodeValue(type, value) })
  }

  /** The description of `register` on `server` (undefined: whoever answers first), remembered. */
  async #describe(
    server: ServerInfo | undefined,
    register: number,
    options: RequestOptions,
  ): Promise<RegisterInfo> {
    if (server !== undefined) {
      const known = this.#descriptions.get(`${server.key}|${register}`)
      if (known !== undefined) return { ...known, register, server }
    }
    const plaintext = encodeApp({ type: 'register-info-request', register })
    const answer = await this.#requests.run<RegisterInfo>({
      register,
      plaintext,
      timeout: checkMs('timeout', options.timeout ?? this.#timeout),
      retryInterval: this.#retryInterval,
      signal: options.signal,
      what: `asking for register ${register}'s description`,
      judge: (packet) => {
        if (packet.message.type !== 'register-info') return 'ignore'
        if (server !== undefined && packet.sender.key !== server.key) return 'ignore'
        const refusal = this.#refusal(packet, plaintext)
        if (refusal !== undefined) return { fail: refusal }
        if (packet.message.info.startsWith('!')) return 'ignore' // a status report for another request
        const description = parseDescription(packet.message.info)
        if (description === undefined) {
          return {
            fail: new RegisterMalformedError(
              register,
              `unreadable description ${JSON.stringify(packet.message.info.slice(0, 100))}`,
            ),
          }
        }
        return { settle: { ...description, register, server: packet.sender } }
      },
    })
    if (this.#descriptions.size >= MAX_DESCRIPTIONS) this.#descriptions.clear()
    const { register: _r, server: _s, ...description } = answer
    this.#descriptions.set(`${answer.server.key}|${register}`, description)
    return answer
  }

  #decode(register: number, type: Datatype, bytes: Uint8Array): RegisterValue {
    try {
      return decodeValue(type, bytes)
    } catch (error) {
      throw new RegisterMalformedError(register, `not a ${type} value: ${(error as Error).message}`, {
        cause: error,
      })
    }
  }
}

function checkRegister(register: number, directoryAllowed = false): number {
  const max = directoryAllowed ? DIRECTORY_REGISTER : DIRECTORY_REGISTER - 1
  if (!Number.isInteger(register) || register < 0 || register > max) {
    throw new RangeError(`"register" expected an integer in 0–${max}, got ${String(register)}`)
  }
  return register
}

function checkU16(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`"${name}" expected an integer in 0–65535, got ${String(value)}`)
  }
}

function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`"${name}" expected a finite number of ms ≥ 0, got ${String(value)}`)
  }
  return value
}
