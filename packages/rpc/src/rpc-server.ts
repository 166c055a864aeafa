import { type ClientInfo, ClosedError, type OpcodeEvent, type Server } from '@pavillion/core'
import { AppOpcode, decodeAppPayload, encodeApp, RpcStatus } from '@pavillion/wire'
import { hexOf } from './bytes.ts'
import { FunctionRegistry } from './function-registry.ts'
import type { HandleOptions, RpcHandler } from './handler.ts'
import { DEFAULT_CACHE_ENTRIES, DEFAULT_CACHE_TTL } from './limits.ts'
import { errorOutcome, failure, type Outcome, resultOutcome } from './outcome.ts'
import { enableReserved, type ReservedOptions } from './reserved/enable-reserved.ts'
import { type CachedCall, ResponseCache } from './response-cache.ts'

/** What an `RpcServer` needs of a core `Server` (a `Server` has all of it). */
export type RpcServerHost = Pick<Server, 'handle' | 'send' | 'signal' | 'now'>

/** Options of an `RpcServer`. */
export interface RpcServerOptions {
  /** Send each failing handler's stack trace to the caller. Default false: the message only. Never in production. */
  readonly debug?: boolean
  /**
   * Calls remembered for retransmissions, running calls included (also the
   * bound on calls running at once; more are refused with status 1). Default 1024.
   */
  readonly cacheEntries?: number
  /** How long a finished call's response answers retransmissions, ms. Default 30 000. */
  readonly cacheTtl?: number
}

/** Counters of an `RpcServer`. */
export interface RpcServerStats {
  /** Call packets received (retransmissions included). */
  readonly calls: number
  /** Handler runs started (unknown functions included). */
  readonly executions: number
  /** Retransmissions answered from the cache, or absorbed while the call ran. */
  readonly duplicates: number
  /** Retransmissions whose response had left the cache: answered with an error, never run again. */
  readonly expired: number
  /** Calls refused because `cacheEntries` calls were running. */
  readonly busy: number
}

const CLOSED = Promise.resolve()
const EXPIRED_TEXT = 'this call already reached the server; its response is no longer kept'

/**
 * Serves numbered remote calls (opcode 4) on a core `Server`: runs each call's
 * handler at most once per client session and call counter, answers
 * retransmissions from a bounded cache, maps errors to wire statuses.
 *
 * @example
 * ```ts
 * const rpc = new RpcServer(server)
 * rpc.handle(401, async (args) => args, { name: 'echo401' })
 * rpc.enableReserved({ echo: true, whatIs: true })
 * ```
 */
export class RpcServer {
  readonly #host: RpcServerHost
  readonly #registry = new FunctionRegistry()
  readonly #cache: ResponseCache
  readonly #debug: boolean
  readonly #lifetime = new AbortController()
  readonly #detach: () => void
  readonly #stats = { calls: 0, executions: 0, duplicates: 0, expired: 0, busy: 0 }

  /**
   * Attaches to `server` (its opcode-4 handler). Closing the server closes this too.
   * @throws InvalidArgumentError for a bound out of range, or when opcode 4 already has a handler
   */
  constructor(server: RpcServerHost, options: RpcServerOptions = {}) {
    this.#host = server
    this.#debug = options.debug === true
    this.#cache = new ResponseCache(
      options.cacheEntries ?? DEFAULT_CACHE_ENTRIES,
      options.cacheTtl ?? DEFAULT_CACHE_TTL,
    )
    this.#detach = server.handle(AppOpcode.RpcCall, (event) => this.#onCall(event), { duplicates: true })
    if (server.signal.aborted) this.close()
    else server.signal.addEventListener('abort', () => this.close(), { signal: this.#lifetime.signal })
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#lifetime.signal.aborted
  }

  /**
   * Registers the handler of function `fn` (0–65535); returns its remover.
   * @throws InvalidArgumentError for a bad number or name, a `handler` that is not a function,
   *   or an `fn` that already has a handler
   */
  handle(fn: number, handler: RpcHandler, options?: HandleOptions): () => void {
    return this.#registry.add(fn, handler, options)
  }

  /**
   * Serves the chosen reserved functions of PROTOCOL.md §12 (echo 0, what-is 1,
   * status 6, identity 7, descriptors 8); returns the remover of all of them.
   * @throws InvalidArgumentError when one of them already has a handler (nothing is registered then)
   */
  enableReserved(options: ReservedOptions): () => void {
    return enableReserved(this.#registry, options)
  }

  /** A snapshot of the counters. */
  stats(): RpcServerStats {
    return { ...this.#stats }
  }

  /** Detaches from the server, aborts every running handler's signal and forgets the cache. Idempotent; resolves at once. */
  close(): Promise<void> {
    if (!this.closed) {
      this.#lifetime.abort(new ClosedError('the RPC server is closed'))
      this.#detach()
      this.#cache.clear()
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

  // Runs inside the engine's dispatch: decides synchronously, never awaits.
  #onCall(event: OpcodeEvent<ClientInfo>): void {
    if (this.closed) return
    const message = decodeAppPayload(event.opcode, event.payload) // a WireDecodeError is counted malformed
    const { sender: peer, counter } = event
    if (message.type !== 'rpc-call') return
    this.#stats.calls++
    const caller = callerOf(peer)
    if (event.duplicate) {
      // A retransmission of a packet this session already delivered (identical bytes: same key and
      // counter): answer what the first run answered, or let it answer when it finishes; never run it twice.
      const cached = this.#cache.lookup(caller, counter, this.#host.now())
      if (cached === undefined) {
        this.#stats.expired++
        this.#answer(peer, counter, failure(RpcStatus.Error, EXPIRED_TEXT))
        return
      }
      this.#stats.duplicates++
      const { response } = cached
      if (response !== undefined) later(() => this.#send(peer, response))
      return
    }
    // A fresh packet is a new call, even when a restarted client reuses a cached counter.
    const entry = this.#cache.begin(caller, counter, this.#host.now())
    if (entry === undefined) {
      this.#stats.busy++
      this.#answer(
        peer,
        counter,
        failure(RpcStatus.Error, 'server busy: too many calls running; retry later'),
      )
      return
    }
    this.#stats.executions++
    this.#run(peer, counter, message.fn, message.args, entry)
  }

  /**
   * Runs the handler in a microtask (outside the engine's receive path, never
   * awaited there), then answers with its outcome and caches the answer.
   */
  #run(peer: ClientInfo, counter: bigint, fn: number, args: Uint8Array, entry: CachedCall): void {
    const finish = (outcome: Outcome): void => {
      if (this.closed) return
      const response = encodeResponse(counter, outcome)
      this.#cache.complete(entry, response, this.#host.now())
      this.#send(peer, response)
    }
    const fail = (error: unknown): void => finish(errorOutcome(error, this.#debug))
    const registered = this.#registry.get(fn)
    later(() => {
      if (registered === undefined) {
        finish(failure(RpcStatus.NonexistentFunction, `function ${fn} does not exist`))
        return
      }
      let result: ReturnType<RpcHandler>
      try {
        result = registered.handler(args, { client: peer, fn, signal: this.#lifetime.signal })
      } catch (error) {
        fail(error)
        return
      }
      if (isThenable(result)) result.then((value) => finish(resultOutcome(fn, value)), fail)
      else finish(resultOutcome(fn, result))
    })
  }

  /** Sends an uncached answer, outside the engine's dispatch. */
  #answer(peer: ClientInfo, counter: bigint, outcome: Outcome): void {
    const response = encodeResponse(counter, outcome)
    later(() => this.#send(peer, response))
  }

  #send(peer: ClientInfo, response: Uint8Array): void {
    if (this.closed) return
    try {
      this.#host.send(response, { to: [peer.key] })
    } catch {
      // The core server closed between the call and its answer: nobody can receive it.
    }
  }
}

/** Each session's caller key, computed once per session description (the engine keeps one per session). */
const callers = new WeakMap<ClientInfo, string>()

/** One client instance, whose call counters name its calls: session address and identity. */
function callerOf(client: ClientInfo): string {
  let caller = callers.get(client)
  if (caller === undefined) {
    caller = `${client.key}|${hexOf(client.identity)}`
    callers.set(client, caller)
  }
  return caller
}

const settled = Promise.resolve()

/** Runs `task` in a microtask (cheaper than `queueMicrotask`, which makes an async resource each time). */
function later(task: () => void): void {
  settled.then(task)
}

function encodeResponse(callCounter: bigint, outcome: Outcome): Uint8Array {
  return encodeApp({ type: 'rpc-response', callCounter, status: outcome.status, data: outcome.data })
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  )
}
