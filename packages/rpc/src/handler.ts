import type { ClientInfo } from '@pavillion/core'

/** What a handler learns about the call besides its arguments. */
export interface RpcContext {
  /** The authenticated caller: session key, address, client ID, identity, guest or not. */
  readonly client: ClientInfo
  /** The function number called (one handler may serve several). */
  readonly fn: number
  /** Aborts when the RPC server or its core server closes: stop work, nobody will get the answer. */
  readonly signal: AbortSignal
}

/**
 * Runs one call. Receives the argument bytes (the caller's, unvalidated) and
 * returns the result bytes; returning nothing answers an empty result.
 * Throw `RpcError` to answer a chosen status; any other exception answers
 * status 1 with its message.
 */
export type RpcHandler = (
  args: Uint8Array,
  context: RpcContext,
) => Uint8Array | undefined | Promise<Uint8Array | undefined>

/** How a function describes itself to `whatIs` (1) and `descriptors` (8). */
export interface HandleOptions {
  /**
   * Name returned by what-is and listed by descriptors: starts with a letter,
   * no spaces or newlines; `core.` names are reserved for functions 0–4095.
   */
  readonly name?: string
  /** Free-form argument description for descriptors (no newline). */
  readonly arguments?: string
}
