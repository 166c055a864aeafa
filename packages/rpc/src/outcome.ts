import { RpcStatus } from '@pavillion/wire'
import { utf8Truncated } from './bytes.ts'
import { RpcError } from './errors.ts'
import { MAX_RESULT_SIZE } from './limits.ts'

/** A call's answer before encoding: status and result (or UTF-8 error text). */
export interface Outcome {
  readonly status: number
  readonly data: Uint8Array
}

const EMPTY = new Uint8Array(0)

/** A failure with a short text (cut to what a response carries). */
export function failure(status: number, text: string): Outcome {
  return { status, data: utf8Truncated(text, MAX_RESULT_SIZE) }
}

/** What a handler returned, checked: bytes that fit a response, or nothing (an empty result). */
export function resultOutcome(fn: number, result: unknown): Outcome {
  if (result === undefined || result === null) return { status: RpcStatus.Ok, data: EMPTY }
  if (!(result instanceof Uint8Array)) {
    return failure(RpcStatus.Error, `function ${fn} returned ${typeof result}, not a Uint8Array`)
  }
  if (result.length > MAX_RESULT_SIZE) {
    return failure(
      RpcStatus.Error,
      `function ${fn} returned ${result.length} bytes; a response carries at most ${MAX_RESULT_SIZE}`,
    )
  }
  return { status: RpcStatus.Ok, data: result }
}

/**
 * What a handler threw: `RpcError` keeps its status, anything else is status 1.
 * The text is the error's message only (never a stack, PROTOCOL.md D16) unless
 * `debug` asks for the stack.
 */
export function errorOutcome(error: unknown, debug: boolean): Outcome {
  const status = error instanceof RpcError ? error.status : RpcStatus.Error
  if (debug) return failure(status, error instanceof Error ? (error.stack ?? error.message) : String(error))
  return failure(status, error instanceof Error ? error.message : 'the handler failed')
}
