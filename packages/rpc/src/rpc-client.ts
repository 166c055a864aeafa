import {
  type Client,
  ClosedError,
  DEFAULT_SEND_TIMEOUT,
  type DeliveryReport,
  type Expectation,
  type OpcodeEvent,
  PavillionError,
  SequenceMap,
  type ServerInfo,
  TimeoutError,
} from '@pavillion/core'
import {
  AppOpcode,
  type Descriptor,
  decodeAppPayload,
  type FileEntry,
  type Identity,
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
export type RpcClientHost = Pick<
  Client,
  'handle' | 'sendTracked' | 'acknowledge' | 'cancel' | 'signal' | 'now'
>

/** Options of an `RpcClient`. */
export interface RpcClientOptions {
  /** Default timeout of `call` (and of each call the helpers make), ms. Default 5000. */
  readonly timeout?: number
}

/** One server's answer to `callAll`: its result, or the error it answered. */
export type CallAllResult =
  | { readonly server: ServerInfo; readonly result: Uint8Array }
  | { readonly server: ServerInfo; readonly error: RemoteError }

type ResponseSink = (server: ServerInfo, status: number, data: Uint8Array) => void

const EMPTY = new Uint8Array(0)

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
  readonly #pending = new SequenceMap<number, ResponseSink>()
  readonly #lifetime = new AbortController()
  readonly #detach: () => void

  /**
   * Attaches to `client` (its opcode-5 handler). Closing the client closes this too.
   * @throws RangeError for a bad timeout; Error when opcode 5 already has a handler
   */
  constructor(client: RpcClientHost, options: RpcClientOptions = {}) {
    this.#host = client
    this.#timeout = checkTimeout(options.timeout ?? DEFAULT_SEND_TIMEOUT)
    this.#detach = client.handle(AppOpcode.RpcResponse, (event) => this.#onResponse(event))
    if (client.signal.aborted) this.close()
    else client.signal.addEventListener('abort', () => this.close(), { signal: this.#lifetime.signal })
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#lifetime.signal.aborted
  }

  /** Calls in flight. */
  get pending(): number {
    return this.#pending.size
  }

  /**
   * Calls function `fn` with `args` and resolves with its result. Against a
   * multicast group the first response wins.
   *
   * Rejects with `RemoteError` (non-zero status), `TimeoutError` (no response
   * in time: `waited`, `attempts`), `signal.reason` (aborted), `ClosedError`,
   * `BackpressureError` (too many calls in flight).
   * @throws RangeError / TypeError synchronously for a bad number, arguments or timeout
   */
  call(fn: number, args: Uint8Array = EMPTY, options: CallOptions = {}): Promise<Uint8Array> {
    const plaintext = encodeCall(fn, args)
    const timeout = checkTimeout(options.timeout ?? this.#timeout)
    return new Promise((resolve, reject) => {
      let answered = false
      const sink: ResponseSink = (server, status, data) => {
        answered = true
        if (status === RpcStatus.Ok) resolve(data)
        else reject(new RemoteError(fn, status, utf8Lenient(data), server))
      }
      const started = this.#host.now()
      this.#send(plaintext, 'any', timeout, options.signal, sink, reject, (report) => {
        if (!answered) reject(this.#failure(fn, report, timeout, started))
      })
    })
  }

  /**
   * Calls `fn` on every server that answers within `timeout` (default 2000 ms;
   * the call always lasts that long) and resolves with one entry per
   * answering server, in arrival order: its result or its `RemoteError`.
   * Resolves with `[]` when nobody answered. Rejects on abort and close.
   * @throws RangeError / TypeError synchronously for a bad number, arguments or timeout
   */
  callAll(fn: number, args: Uint8Array = EMPTY, options: CallOptions = {}): Promise<CallAllResult[]> {
    const plaintext = encodeCall(fn, args)
    const timeout = checkTimeout(options.timeout ?? DEFAULT_CALL_ALL_TIMEOUT)
    const results = new Map<string, CallAllResult>()
    const sink: ResponseSink = (server, status, data) => {
      if (results.has(server.key)) return
      results.set(
        server.key,
        status === RpcStatus.Ok
          ? { server, result: data }
          : { server, error: new RemoteError(fn, status, utf8Lenient(data), server) },
      )
    }
    return new Promise((resolve, reject) => {
      this.#send(plaintext, 'until-deadline', timeout, options.signal, sink, reject, (report) => {
        if (report.outcome === 'closed')
          reject(new ClosedError(`the client closed while function ${fn} was called`))
        else resolve([...results.values()])
      })
    })
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

  /** Detaches from the client and rejects every call in flight with `ClosedError`. Idempotent. */
  close(): void {
    if (this.closed) return
    this.#lifetime.abort(new ClosedError('the RPC client is closed'))
    this.#detach()
    for (const id of [...this.#pending.keys()]) this.#host.cancel(id)
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close()
  }

  /**
   * Starts one tracked call: `sink` receives each response the engine matches
   * to it, `settled` its delivery report; `fail` gets why it could not start
   * or was aborted (the signal's reason, or `ClosedError` when this client closed).
   */
  #send(
    plaintext: Uint8Array,
    expect: Expectation,
    timeout: number,
    signal: AbortSignal | undefined,
    sink: ResponseSink,
    fail: (reason: unknown) => void,
    settled: (report: DeliveryReport<ServerInfo>) => void,
  ): void {
    if (this.closed || signal?.aborted) {
      fail(signal?.aborted ? signal.reason : new ClosedError('the RPC client is closed'))
      return
    }
    let tracked: ReturnType<RpcClientHost['sendTracked']>
    try {
      tracked = this.#host.sendTracked(
        plaintext,
        signal === undefined ? { expect, timeout } : { expect, timeout, signal },
      )
    } catch (error) {
      fail(error)
      return
    }
    const { id, done } = tracked
    this.#pending.set(id, sink)
    done.then(
      (report) => {
        this.#pending.delete(id)
        settled(report)
      },
      (error: unknown) => {
        this.#pending.delete(id)
        // close() cancels every call: report that, not the engine's generic abort.
        fail(this.closed && !signal?.aborted ? this.#lifetime.signal.reason : error)
      },
    )
  }

  // Runs inside the engine's dispatch.
  #onResponse(event: OpcodeEvent<ServerInfo>): void {
    const message = decodeAppPayload(event.opcode, event.payload) // a WireDecodeError is counted malformed
    const peer = event.sender
    if (message.type !== 'rpc-response') return
    const id = this.#host.acknowledge(message.callCounter, AppOpcode.RpcCall, peer)
    if (id === undefined) return // late, duplicate, or an answer to nothing we asked
    this.#pending.get(id)?.(peer, message.status, message.data)
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
