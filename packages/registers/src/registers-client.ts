import {
  type AbortOptions,
  type Client,
  ClosedError,
  InvalidArgumentError,
  type Runtime,
  type ServerInfo,
} from '@pavillion/core'
import { encodeApp, type RegisterMessage } from '@pavillion/wire'
import { decodeAnswer, readAnswerOf, statusOf } from './answers.ts'
import { checkMs, checkObserve, checkRegister, checkU16 } from './checks.ts'
import { type Datatype, encodeValue, type RegisterValue } from './codecs.ts'
import { ANSWER_OPCODES, type RegisterPacket, receiveRegisters } from './core-message.ts'
import { Descriptions, type RegisterInfo } from './descriptions.ts'
import { RegisterRefusedError } from './errors.ts'
import {
  DEFAULT_GATHER_TIMEOUT,
  DEFAULT_OBSERVE_DURATION,
  DEFAULT_REQUEST_TIMEOUT,
  DEFAULT_RETRY_INTERVAL,
  DIRECTORY_REGISTER,
} from './limits.ts'
import type { RegisterObservation } from './observation.ts'
import { type ObservationContext, openObservation } from './open-observation.ts'
import { gatherReads, type ReadAllResult } from './read-all.ts'
import { Requests } from './requests.ts'

/** What `close()` returns: closing is synchronous, nothing is left to wait for. */
const CLOSED: Promise<void> = Promise.resolve()

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
  readonly #timeout: number
  readonly #retryInterval: number
  readonly #requests: Requests
  readonly #descriptions: Descriptions
  readonly #observations = new Map<number, Set<(packet: RegisterPacket<ServerInfo>) => void>>()
  readonly #writes = new Map<number, Promise<unknown>>()
  readonly #lifetime = new AbortController()
  /** What to run on close: one entry per open observation. */
  readonly #onClose = new Set<() => void>()
  readonly #detach: () => void
  readonly #observationContext: ObservationContext

  /**
   * Attaches to `client` (its opcode 7 and 10 handlers). Closing the client closes this too.
   * @throws InvalidArgumentError for a bad timeout, or when one of those opcodes already has a handler
   */
  constructor(client: RegistersClientHost, options: RegistersClientOptions) {
    this.#host = client
    this.#timeout = checkMs('timeout', options.timeout ?? DEFAULT_REQUEST_TIMEOUT)
    this.#retryInterval = checkMs('retryInterval', options.retryInterval ?? DEFAULT_RETRY_INTERVAL)
    if (this.#retryInterval === 0)
      throw new InvalidArgumentError('"retryInterval" expected a number of ms > 0')
    this.#requests = new Requests(client, options.runtime, this.#lifetime.signal)
    this.#detach = receiveRegisters(client, ANSWER_OPCODES, (packet) => this.#onAnswer(packet))
    this.#descriptions = new Descriptions(this.#requests, this.#retryInterval)
    this.#observationContext = {
      host: client,
      runtime: options.runtime,
      closed: () => this.closed,
      onClose: (listener) => {
        this.#onClose.add(listener)
        return () => this.#onClose.delete(listener)
      },
      describe: async (register, o) => (await this.#describe(undefined, register, o)).datatype,
      status: (register, plaintext, what, o) => this.#status(register, plaintext, what, o),
      listen: (register, listener) => this.#listen(register, listener),
    }
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
   * @throws InvalidArgumentError synchronously for a bad register number
   */
  async read(register: number, options: TypedOptions = {}): Promise<RegisterValue> {
    const { server, bytes } = await this.#readRange(register, {}, options)
    return decodeAnswer(
      register,
      options.type ?? (await this.#describe(server, register, options)).datatype,
      bytes,
    )
  }

  /**
   * Reads `length` bytes from `offset` of a register's value (opcode 6 with a range).
   * Rejects with `RegisterRefusedError` (`bad-range` past the value), and as `read`.
   * @throws InvalidArgumentError synchronously for a bad register, offset or length
   */
  async readBytes(register: number, options: RangeOptions = {}): Promise<Uint8Array> {
    return (await this.#readRange(register, options, options)).bytes
  }

  /**
   * Reads a register on every server that answers within `timeout` (default
   * 2000 ms; always lasts that long): one entry per server, its value or its
   * error. Rejects only on abort and close.
   */
  readAll(register: number, options: TypedOptions = {}): Promise<ReadAllResult[]> {
    const timeout = checkMs('timeout', options.timeout ?? DEFAULT_GATHER_TIMEOUT)
    const type = options.type
    return gatherReads(this.#requests, checkRegister(register), {
      timeout,
      retryInterval: this.#retryInterval,
      signal: options.signal,
      datatypeOf: async (server) => type ?? (await this.#describe(server, register, options)).datatype,
    })
  }

  /**
   * Writes a value and resolves once a server applied it (for a group: the
   * first). Writes to one register from this client are applied in order.
   * Rejects with `RegisterRefusedError` carrying the server's reason
   * (`read-only`, `bad-value`, `unknown-register`, `failed` …), `TimeoutError`,
   * `ClosedError` or `signal.reason`.
   * @throws InvalidArgumentError (as a rejection) for a value that is not of the datatype
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
   * @throws InvalidArgumentError synchronously for a duration outside 100–65535 ms or a rate limit outside 0–65535 ms
   */
  observe(register: number, options: ObserveOptions = {}): RegisterObservation {
    checkRegister(register, true)
    const durationMs = options.durationMs ?? DEFAULT_OBSERVE_DURATION
    const rateLimitMs = options.rateLimitMs ?? 0
    checkObserve(durationMs, rateLimitMs)
    const timeout = checkMs('timeout', options.timeout ?? this.#timeout)
    return openObservation(this.#observationContext, {
      register,
      durationMs,
      rateLimitMs,
      timeout,
      type: options.type,
      signal: options.signal,
    })
  }

  /** Detaches from the client and rejects every request in flight with `ClosedError`. Idempotent; resolves at once. */
  close(): Promise<void> {
    if (this.closed) return CLOSED
    const reason = new ClosedError('the registers client is closed')
    this.#lifetime.abort(reason)
    for (const listener of [...this.#onClose]) listener()
    this.#onClose.clear()
    this.#detach()
    this.#requests.closeAll(reason)
    return CLOSED
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    void this.close()
  }

  /** The description of `register` on `server` (undefined: whoever answers first), remembered. */
  #describe(
    server: ServerInfo | undefined,
    register: number,
    options: RequestOptions,
  ): Promise<RegisterInfo> {
    const timeout = checkMs('timeout', options.timeout ?? this.#timeout)
    return this.#descriptions.of(server, register, { timeout, signal: options.signal })
  }

  #listen(register: number, listener: (packet: RegisterPacket<ServerInfo>) => void): () => void {
    let set = this.#observations.get(register)
    if (set === undefined) {
      set = new Set()
      this.#observations.set(register, set)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.#observations.get(register) === set) this.#observations.delete(register)
    }
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
    if (length !== undefined && offset === undefined)
      throw new InvalidArgumentError('"length" needs "offset"')
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
        const answer = readAnswerOf(packet, plaintext, offset ?? 0, length)
        if (answer === undefined) return 'ignore'
        return answer instanceof Error
          ? { fail: answer }
          : { settle: { server: packet.sender, bytes: answer } }
      },
    })
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
        const status = statusOf(packet, plaintext)
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
}
