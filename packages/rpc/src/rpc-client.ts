import {
  type Client,
  ClosedError,
  DEFAULT_SEND_TIMEOUT,
  type DeliveryReport,
  type Expectation,
  type OpcodeEvent,
  PavillionError,
  type ServerInfo,
  SessionEndedError,
  TimeoutError,
} from '@pavillion/core'
import {
  AppOpcode,
  type Descriptor,
  decodeAppPayload,
  type FileEntry,
  type Identity,
  type RpcResponse,
  RpcStatus,
} from '@pavillion/wire'
import { utf8Lenient } from './bytes.ts'
import { type CallOptions, checkTimeout, encodeCall } from './call-options.ts'
import { deleteFile, listDir } from './client-helpers/directory.ts'
import { descriptors, echo, identity, status, whatIs } from './client-helpers/info.ts'
import { type ReadFileOptions, readFile } from './client-helpers/read-file.ts'
import { type WriteFileOptions, writeFile } from './client-helpers/write-file.ts'
import { RemoteError, type RpcErrorCode } from './errors.ts'
import { DEFAULT_CALL_ALL_TIMEOUT } from './limits.ts'

/** What an `RpcClient` needs of a core `Client` (a `Client` has all of it). */
export type RpcClientHost = Pick<Client, 'handle' | 'sendTracked' | 'cancelOwned' | 'signal' | 'now'>

/** Options of an `RpcClient`. */
export interface RpcClientOptions {
  /** Default timeout of `call` (and of each call the helpers make), ms. Default 5000. */
  readonly timeout?: number
}

/** One server's answer to `callAll`: its result, or the error it answered. */
export type CallAllResult =
  | { readonly server: ServerInfo; readonly result: Uint8Array }
  | { readonly server: ServerInfo; readonly error: RemoteError }

const EMPTY = new Uint8Array(0)
const CLOSED = Promise.resolve()

/**
 * Makes numbered remote calls (opcode 4) through a core `Client` and matches
 * their responses (opcode 5). Each call is one tracked send: the engine
 * retransmits the identical packet with its per-server RTT until a response
 * arrives or the timeout passes, so our servers' at-most-once cache answers
 * retransmissions without running the function again.
 *
 * @example
 * ```ts
 * const rpc = new RpcClient(client)
 * const result = await rpc.call(401, new TextEncoder().encode('hi'), { timeout: 2000 })
 * const perServer = await rpc.callAll(0, Uint8Array.of(1), { timeout: 500 })
 * ```
 */
export class RpcClient {
  readonly #host: RpcClientHost
  readonly #timeout: number
  #pending = 0
  readonly #lifetime = new AbortController()
  readonly #detach: () => void

  /**
   * Attaches to `client` (its opcode-5 handler). Closing the client closes this too.
   * @throws InvalidArgumentError for a bad timeout, or when opcode 5 already has a handler
   */
  constructor(client: RpcClientHost, options: RpcClientOptions = {}) {
    this.#host = client
    this.#timeout = checkTimeout(options.timeout ?? DEFAULT_SEND_TIMEOUT)
    // Answers to our calls come back in their delivery reports; what reaches the handler is late or stray.
    this.#detach = client.handle(AppOpcode.RpcResponse, (event) => this.#onStray(event))
    if (client.signal.aborted) this.close()
    else client.signal.addEventListener('abort', () => this.close(), { signal: this.#lifetime.signal })
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#lifetime.signal.aborted
  }

  /** Calls in flight. */
  get pending(): number {
    return this.#pending
  }

  /**
   * Calls function `fn` with `args` and resolves with its result. Against a
   * multicast group the first response wins.
   *
   * Rejects with `RemoteError` (non-zero status), `TimeoutError` (no response
   * in time: `waited`, `attempts`), `SessionEndedError` (the server evicted
   * our session meanwhile: at once, not at the timeout), `signal.reason` (aborted), `ClosedError`,
   * `BackpressureError` (too many calls in flight).
   * @throws InvalidArgumentError synchronously for a bad number, arguments or timeout
   */
  call(fn: number, args: Uint8Array = EMPTY, options: CallOptions = {}): Promise<Uint8Array> {
    const plaintext = encodeCall(fn, args)
    const timeout = checkTimeout(options.timeout ?? this.#timeout)
    const started = this.#host.now()
    const { signal } = options
    return this.#start(plaintext, 'any', timeout, signal).then(
      (report) => {
        this.#pending--
        const answer = report.answers[0]
        if (answer === undefined) throw this.#failure(fn, report, timeout, started)
        const response = responseOf(fn, answer)
        if (response.status === RpcStatus.Ok) return response.data
        throw new RemoteError(fn, response.status, utf8Lenient(response.data), answer.sender)
      },
      (error: unknown) => this.#refused(error, signal),
    )
  }

  /**
   * Calls `fn` on every server that answers within `timeout` (default 2000 ms;
   * the call always lasts that long) and resolves with one entry per
   * answering server, in arrival order: its result or its `RemoteError`.
   * Resolves with `[]` when nobody answered. Rejects on abort and close.
   * @throws InvalidArgumentError synchronously for a bad number, arguments or timeout
   */
  callAll(fn: number, args: Uint8Array = EMPTY, options: CallOptions = {}): Promise<CallAllResult[]> {
    const plaintext = encodeCall(fn, args)
    const timeout = checkTimeout(options.timeout ?? DEFAULT_CALL_ALL_TIMEOUT)
    const { signal } = options
    return this.#start(plaintext, 'until-deadline', timeout, signal).then(
      (report) => {
        this.#pending--
        if (report.outcome === 'closed')
          throw new ClosedError(`the client closed while function ${fn} was called`)
        return report.answers.map((answer): CallAllResult => {
          const { status, data } = responseOf(fn, answer)
          const server = answer.sender
          return status === RpcStatus.Ok
            ? { server, result: data }
            : { server, error: new RemoteError(fn, status, utf8Lenient(data), server) }
        })
      },
      (error: unknown) => this.#refused(error, signal),
    )
  }

  /** Echo (0): the server returns `data`. */
  echo(data: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
    return echo(this, data, options)
  }

  /** What-is (1): the name of function `fn` on the server, empty when it has none. */
  whatIs(fn: number, options?: CallOptions): Promise<string> {
    return whatIs(this, fn, options)
  }

  /** Status (6): the server's status lines. */
  status(options?: CallOptions): Promise<string[]> {
    return status(this, options)
  }

  /** Identity (7): vendor UUID, product ID, serial and name. */
  identity(options?: CallOptions): Promise<Identity> {
    return identity(this, options)
  }

  /** Descriptors (8): every named function with its argument description. */
  descriptors(options?: CallOptions): Promise<Descriptor[]> {
    return descriptors(this, options)
  }

  /** Reads a whole file in chunks of 1024 bytes (file read, 10) until the server returns an empty chunk. */
  readFile(path: string, options?: ReadFileOptions): Promise<Uint8Array> {
    return readFile(this, path, options)
  }

  /** Writes a whole file: its first 1024 bytes truncate (11), the rest are written into it (12). */
  writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void> {
    return writeFile(this, path, data, options)
  }

  /** Lists a directory (14), page by page. */
  listDir(path: string, options?: CallOptions): Promise<FileEntry[]> {
    return listDir(this, path, options)
  }

  /** Deletes a file (13). */
  deleteFile(path: string, options?: CallOptions): Promise<void> {
    return deleteFile(this, path, options)
  }

  /** Detaches from the client and rejects every call in flight with `ClosedError`. Idempotent; resolves at once. */
  close(): Promise<void> {
    if (!this.closed) {
      this.#lifetime.abort(new ClosedError('the RPC client is closed'))
      this.#detach()
      this.#host.cancelOwned(this)
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

  /**
   * Starts one tracked call answered by opcode 5: the promise of its delivery
   * report (the engine puts the matched responses in it), or a rejection when
   * it cannot start. Counts it in `pending`; the caller's reaction uncounts it.
   */
  #start(
    plaintext: Uint8Array,
    expect: Expectation,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<DeliveryReport<ServerInfo>> {
    this.#pending++
    if (this.closed) return Promise.reject(new ClosedError('the RPC client is closed'))
    if (signal?.aborted) return Promise.reject(signal.reason)
    const options = { expect, timeout, answeredBy: AppOpcode.RpcResponse, owner: this }
    try {
      return this.#host.sendTracked(plaintext, signal === undefined ? options : { ...options, signal }).done
    } catch (error) {
      return Promise.reject(error)
    }
  }

  /** Why a call did not settle from a report: close() cancels every call, and says so. */
  #refused(error: unknown, signal: AbortSignal | undefined): never {
    this.#pending--
    throw this.closed && !signal?.aborted ? this.#lifetime.signal.reason : error
  }

  /** A response nobody waits for (late, duplicate, or an answer to nothing we asked): checked, then dropped. */
  #onStray(event: OpcodeEvent<ServerInfo>): void {
    decodeAppPayload(event.opcode, event.payload) // a WireDecodeError is counted malformed
  }

  #failure(fn: number, report: DeliveryReport<ServerInfo>, timeout: number, started: number): Error {
    if (report.outcome === 'acknowledged') {
      // A server acknowledged the call packet (opcode 2) instead of answering it (opcode 5).
      return new PavillionError<RpcErrorCode>(
        'ERR_RPC_REMOTE',
        `function ${fn}: a server acknowledged the call without answering it`,
      )
    }
    if (report.outcome === 'closed')
      return new ClosedError(`the client closed while function ${fn} was called`)
    if (report.outcome === 'evicted' || report.outcome === 'replaced')
      return new SessionEndedError(
        report.outcome,
        `function ${fn}: the server's session was ${report.outcome} while the call was in flight (it may have run)`,
      )
    const waited = this.#host.now() - started
    if (report.transmissions === 0) {
      return new TimeoutError(`function ${fn}: no server connected within ${timeout} ms`, waited, 0)
    }
    return new TimeoutError(
      `function ${fn}: no response within ${timeout} ms (${report.transmissions} transmissions)`,
      waited,
      report.transmissions,
    )
  }
}

/**
 * The RPC response an answer (opcode 5) carries.
 * @throws PavillionError `ERR_RPC_MALFORMED` when it does not decode
 */
function responseOf(fn: number, answer: OpcodeEvent<ServerInfo>): RpcResponse {
  try {
    return decodeAppPayload(answer.opcode, answer.payload) as RpcResponse
  } catch (error) {
    throw new PavillionError<RpcErrorCode>(
      'ERR_RPC_MALFORMED',
      `function ${fn}: ${answer.sender.key} answered with a malformed response`,
      { cause: error },
    )
  }
}
