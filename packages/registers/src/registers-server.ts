import {
  type ClientInfo,
  ClosedError,
  InvalidArgumentError,
  type Runtime,
  type Server,
} from '@pavillion/core'
import { encodeApp, type RegisterMessage } from '@pavillion/wire'
import { checkBound } from './checks.ts'
import { DATATYPES, type Datatype, encodeValue, isDatatype, valueProblem } from './codecs.ts'
import { REQUEST_OPCODES, type RegisterPacket, receiveRegisters } from './core-message.ts'
import { DeclaredRegister, directoryBytes, type RegisterDeclaration } from './declared-register.ts'
import { type RegisterRefusal, RegisterWriteError } from './errors.ts'
import {
  DEFAULT_MAX_OBSERVERS_PER_REGISTER,
  DEFAULT_MAX_OBSERVERS_PER_SESSION,
  DEFAULT_MAX_REGISTERS,
  DEFAULT_MIN_OBSERVE_DURATION,
  DIRECTORY_REGISTER,
  MAX_REGISTER,
} from './limits.ts'
import { ObservationTable } from './observations.ts'
import { formatDescription, formatStatus, requestTag } from './texts.ts'
import { Writes } from './writes.ts'

/** What `close()` returns: closing is synchronous, nothing is left to wait for. */
const CLOSED: Promise<void> = Promise.resolve()

/** What a `RegistersServer` needs of a core `Server` (a `Server` has all of it). */
export type RegistersServerHost = Pick<Server, 'handle' | 'send' | 'signal' | 'now' | 'on'>

/** Options of a `RegistersServer`. */
export interface RegistersServerOptions {
  /** The timer source (the server's runtime): rate-limited notifications and expiries. */
  readonly runtime: Pick<Runtime, 'setTimer'>
  /** Registers one server declares at most. Default 1024. */
  readonly maxRegisters?: number
  /** Observations of one register at most, all sessions. Default 64. */
  readonly maxObserversPerRegister?: number
  /** Observations one session holds at most. Default 32. */
  readonly maxObserversPerSession?: number
  /** Shortest observation accepted, ms. Default 100. */
  readonly minObserveDuration?: number
}

/** Counters of a `RegistersServer`. */
export interface RegistersServerStats {
  readonly reads: number
  readonly writes: number
  /** Writes that ran a writer (a repeated write is confirmed without running it again). */
  readonly applied: number
  readonly observes: number
  readonly infos: number
  /** Requests answered with a refusal. */
  readonly refused: number
  /** Value notifications sent to observers. */
  readonly notifications: number
  /** Live observations. */
  readonly observers: number
}

/**
 * Serves numbered, typed registers on a core `Server`: answers reads (6 → 7),
 * writes (7 → status), observations (8 → status, then 7 on every change,
 * rate-limited and coalesced) and info requests (9 → 10). README: "Wire rules".
 *
 * @example
 * ```ts
 * const registers = new RegistersServer(server, { runtime })
 * const temperature = registers.declare({ register: 100, name: 'temperature', datatype: 'f32', value: 21.5 })
 * registers.declare({ register: 101, name: 'dimmer', datatype: 'u8', writer: (v) => setDimmer(v) })
 * temperature.set(21.75) // observers are told
 * ```
 */
export class RegistersServer {
  readonly #host: RegistersServerHost
  readonly #registers = new Map<number, DeclaredRegister>()
  readonly #directory: DeclaredRegister<'bytes'>
  readonly #observations: ObservationTable
  readonly #writes = new Writes(() => !this.closed)
  readonly #maxRegisters: number
  readonly #minDuration: number
  readonly #lifetime = new AbortController()
  readonly #detach: () => void
  readonly #stats = { reads: 0, writes: 0, observes: 0, infos: 0, refused: 0, notifications: 0 }

  /**
   * Attaches to `server` (its opcode 6, 7, 8 and 9 handlers). Closing the server closes this too.
   * @throws InvalidArgumentError for a bound out of range, or when one of those opcodes already has a handler
   */
  constructor(server: RegistersServerHost, options: RegistersServerOptions) {
    this.#host = server
    this.#maxRegisters = checkBound(
      'maxRegisters',
      options.maxRegisters ?? DEFAULT_MAX_REGISTERS,
      MAX_REGISTER,
    )
    this.#minDuration = checkBound(
      'minObserveDuration',
      options.minObserveDuration ?? DEFAULT_MIN_OBSERVE_DURATION,
      0xffff,
    )
    const limits = {
      perRegister: checkBound(
        'maxObserversPerRegister',
        options.maxObserversPerRegister ?? DEFAULT_MAX_OBSERVERS_PER_REGISTER,
        1e6,
      ),
      perSession: checkBound(
        'maxObserversPerSession',
        options.maxObserversPerSession ?? DEFAULT_MAX_OBSERVERS_PER_SESSION,
        1e6,
      ),
    }
    const timers = {
      setTimer: (at: number, fn: () => void) => options.runtime.setTimer(at, fn),
      now: () => server.now(),
    }
    this.#observations = new ObservationTable(limits, timers, (register, client) =>
      this.#notify(register, client),
    )
    this.#directory = new DeclaredRegister<'bytes'>(
      {
        register: DIRECTORY_REGISTER,
        name: 'directory',
        datatype: 'bytes',
        interface: 'pavillion.directory',
        description: 'the declared register numbers, u16 LE',
      },
      (register) => this.#observations.changed(register.register),
    )
    this.#detach = receiveRegisters(server, REQUEST_OPCODES, (packet) => this.#onRequest(packet))
    const stopSessions = server.on('session:closed', ({ client }) => this.#forgetSession(client.key))
    this.#lifetime.signal.addEventListener('abort', stopSessions, { once: true })
    if (server.signal.aborted) this.close()
    else server.signal.addEventListener('abort', () => this.close(), { signal: this.#lifetime.signal })
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#lifetime.signal.aborted
  }

  /**
   * Declares a register and returns its handle (`set`, `value`); clients see it at once.
   * @throws InvalidArgumentError for a number out of 0–65534, one already declared, a bad name or
   *   interface, or past `maxRegisters`, a bad datatype, writer or initial value;
   *   ClosedError after close
   */
  declare<D extends Datatype>(declaration: RegisterDeclaration<D>): DeclaredRegister<D> {
    if (this.closed) throw new ClosedError('the registers server is closed')
    const { register } = declaration
    if (!Number.isInteger(register) || register < 0 || register > MAX_REGISTER) {
      throw new InvalidArgumentError(
        `"register" expected an integer in 0–${MAX_REGISTER}, got ${String(register)}`,
      )
    }
    if (this.#registers.has(register))
      throw new InvalidArgumentError(`register ${register} is already declared`)
    if (this.#registers.size >= this.#maxRegisters) {
      throw new InvalidArgumentError(`${this.#maxRegisters} registers are declared already (maxRegisters)`)
    }
    if (!isDatatype(declaration.datatype)) {
      throw new InvalidArgumentError(
        `"datatype" expected one of ${DATATYPES.join(', ')}, got ${String(declaration.datatype)}`,
      )
    }
    const declared = new DeclaredRegister<D>(declaration, (r) => this.#observations.changed(r.register))
    this.#registers.set(register, declared as unknown as DeclaredRegister)
    this.#updateDirectory()
    return declared
  }

  /** Removes a register: its observers stop hearing from it, requests for it are refused. Returns false if it was not declared. */
  remove(register: number): boolean {
    const declared = this.#registers.get(register)
    if (declared === undefined) return false
    declared.markRemoved()
    this.#registers.delete(register)
    this.#writes.forgetRegister(register)
    this.#observations.dropRegister(register)
    this.#updateDirectory()
    return true
  }

  /** The handle of a declared register. */
  get(register: number): DeclaredRegister | undefined {
    return this.#registers.get(register)
  }

  /** Every declared register, by number. */
  list(): DeclaredRegister[] {
    return [...this.#registers.values()].sort((a, b) => a.register - b.register)
  }

  /** A snapshot of the counters. */
  stats(): RegistersServerStats {
    return { ...this.#stats, applied: this.#writes.applied, observers: this.#observations.size }
  }

  /** Detaches from the server, ends every observation and timer. Idempotent; resolves at once. */
  close(): Promise<void> {
    if (!this.closed) {
      this.#lifetime.abort(new ClosedError('the registers server is closed'))
      this.#detach()
      this.#observations.clear()
    }
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

  // Runs inside the engine's dispatch: answers synchronously (writers run in a microtask).
  #onRequest({ message, sender }: RegisterPacket<ClientInfo>): undefined {
    if (this.closed) return
    switch (message.type) {
      case 'register-read':
        return this.#onRead(message, sender)
      case 'register-declaration':
        return this.#onWrite(message, sender)
      case 'observe':
        return this.#onObserve(message, sender)
      case 'register-info-request': {
        this.#stats.infos++
        const declared = this.#lookup(message.register)
        if (declared === undefined)
          return this.#refuse(message, sender, 'unknown-register', 'no such register')
        this.#send(
          sender,
          encodeApp({
            type: 'register-info',
            register: message.register,
            info: formatDescription(declared.description),
          }),
        )
        return
      }
      default:
        return // register info (10) is an answer; servers ignore it
    }
  }

  #onRead(message: Extract<RegisterMessage, { type: 'register-read' }>, client: ClientInfo): undefined {
    this.#stats.reads++
    const declared = this.#lookup(message.register)
    if (declared === undefined) return this.#refuse(message, client, 'unknown-register', 'no such register')
    const { bytes } = declared
    const offset = message.offset ?? 0
    const end = message.length === undefined ? bytes.length : offset + message.length
    if (offset > bytes.length || end > bytes.length) {
      return this.#refuse(
        message,
        client,
        'bad-range',
        `offset ${offset} and length ${end - offset} pass the value's ${bytes.length} bytes`,
      )
    }
    const value = offset === 0 && end === bytes.length ? bytes : bytes.subarray(offset, end)
    this.#send(client, encodeApp({ type: 'register-declaration', register: message.register, offset, value }))
  }

  #onWrite(
    message: Extract<RegisterMessage, { type: 'register-declaration' }>,
    client: ClientInfo,
  ): undefined {
    this.#stats.writes++
    const declared = this.#lookup(message.register)
    if (declared === undefined) return this.#refuse(message, client, 'unknown-register', 'no such register')
    const { writer } = declared
    if (writer === undefined) return this.#refuse(message, client, 'read-only', 'this register has no writer')
    if (message.offset !== 0)
      return this.#refuse(message, client, 'bad-range', 'writes replace the whole value (offset 0)')
    const problem = valueProblem(declared.datatype, message.value)
    if (problem !== undefined) return this.#refuse(message, client, 'bad-value', problem)
    const tag = requestTag(encodeApp(message))
    const repeated = this.#writes.repeated(declared, client.key, tag)
    if (repeated === 'running') return // its answer comes when the writer finishes
    if (repeated === 'applied') {
      this.#status(client, message, 'ok', '') // applied, nothing changed since: confirm only
      return
    }
    this.#writes.apply(declared, message.value.slice(), client, tag).then(
      () => this.#status(client, message, 'ok', ''),
      (error: unknown) => {
        const reason = error instanceof RegisterWriteError ? error.reason : 'failed'
        this.#refuse(message, client, reason, error instanceof Error ? error.message : 'the writer failed')
      },
    )
  }

  /**
   * Writes `value` to a register as if `client` had sent it (the same checks,
   * writer and order as a write from the network; what `getConfig`/`setConfig`
   * use). Resolves once applied.
   * Rejects with `RegisterWriteError` (`unknown-register`, `read-only`, `bad-value`,
   * or the writer's refusal); another error from the writer as is.
   */
  async writeFrom(client: ClientInfo, register: number, value: unknown): Promise<void> {
    const declared = this.#registers.get(register)
    if (declared === undefined) throw new RegisterWriteError('no such register', 'unknown-register')
    if (declared.writer === undefined)
      throw new RegisterWriteError('this register has no writer', 'read-only')
    let bytes: Uint8Array
    try {
      bytes = encodeValue(declared.datatype, value)
    } catch (error) {
      throw new RegisterWriteError((error as Error).message, 'bad-value')
    }
    await this.#writes.apply(declared, bytes, client)
  }

  #onObserve(message: Extract<RegisterMessage, { type: 'observe' }>, client: ClientInfo): undefined {
    this.#stats.observes++
    if (message.durationMs === 0) {
      this.#observations.cancel(message.register, client.key) // duration 0 cancels; no answer
      return
    }
    const declared = this.#lookup(message.register)
    if (declared === undefined) return this.#refuse(message, client, 'unknown-register', 'no such register')
    if (message.durationMs < this.#minDuration) {
      return this.#refuse(
        message,
        client,
        'bad-observe',
        `observations last at least ${this.#minDuration} ms`,
      )
    }
    if (!this.#observations.observe(message.register, client, message.durationMs, message.rateLimitMs)) {
      return this.#refuse(message, client, 'busy', 'too many observers of this register or from this session')
    }
    // The status first, then the current value: a renewal resends it too, so a lost notification heals.
    this.#status(client, message, 'ok', '')
    this.#notify(message.register, client)
  }

  #lookup(register: number): DeclaredRegister | undefined {
    return register === DIRECTORY_REGISTER
      ? (this.#directory as unknown as DeclaredRegister)
      : this.#registers.get(register)
  }

  #notify(register: number, client: ClientInfo): void {
    const declared = this.#lookup(register)
    if (declared === undefined) return
    this.#stats.notifications++
    this.#send(
      client,
      encodeApp({ type: 'register-declaration', register, offset: 0, value: declared.bytes }),
    )
  }

  #refuse(message: RegisterMessage, client: ClientInfo, reason: RegisterRefusal, text: string): undefined {
    this.#stats.refused++
    this.#status(client, message, reason, text)
    return undefined
  }

  #status(client: ClientInfo, message: RegisterMessage, outcome: 'ok' | RegisterRefusal, text: string): void {
    const plaintext = encodeApp(message)
    const info = formatStatus({ opcode: plaintext[0]!, outcome, tag: requestTag(plaintext), text })
    this.#send(client, encodeApp({ type: 'register-info', register: message.register, info }))
  }

  #send(client: ClientInfo, plaintext: Uint8Array): void {
    if (this.closed) return
    try {
      this.#host.send(plaintext, { to: [client.key] })
    } catch {
      // The core server closed meanwhile: nobody can receive it.
    }
  }

  #updateDirectory(): void {
    this.#directory.setBytes(directoryBytes([...this.#registers.keys()]))
  }

  #forgetSession(key: string): void {
    this.#observations.dropSession(key)
    this.#writes.forgetSession(key)
  }
}
