import { InvalidArgumentError, PavillionError, type ServerInfo } from '@pavillion/core'
import { rpcStatusName } from '@pavillion/wire'

/**
 * Codes of the errors the RPC layer raises (besides the engine's timeouts,
 * closes, aborts and backpressure): `ERR_INVALID_ARGUMENT` for API misuse
 * (`InvalidArgumentError`), and its own below.
 */
export type RpcErrorCode = 'ERR_INVALID_ARGUMENT' | 'ERR_RPC_REMOTE' | 'ERR_RPC_MALFORMED' | 'ERR_RPC_STATUS'

const MAX_STATUS = 0xffff
/** How much of the remote text goes into `RemoteError.message` (the full text stays in `text`). */
const MESSAGE_TEXT_LIMIT = 200

/**
 * What a handler throws to answer a call with a chosen status: 3 (`BadInput`),
 * 4 (`NonexistentFile`), an application code 8–65535, or any other non-zero
 * status. The caller receives the status and `message`, nothing else (no stack
 * unless the server runs with `debug: true`). Any other exception answers
 * status 1 (`Error`) with its message.
 *
 * `instanceof` works across duplicate copies of this package (branded).
 *
 * @example
 * ```ts
 * rpc.handle(410, async (args) => {
 *   if (args.length !== 4) throw new RpcError(RpcStatus.BadInput, 'expected a u32')
 *   return args
 * })
 * ```
 */
export class RpcError extends PavillionError<RpcErrorCode> {
  /** The wire status code sent back (1–65535). */
  readonly status: number

  static override readonly brand: symbol = Symbol.for('pavillion.error.RpcError')

  /**
   * @param status - 1–65535; 0 means success and is refused
   * @throws InvalidArgumentError when `status` is not an integer in 1–65535
   */
  constructor(status: number, message: string, options?: ErrorOptions) {
    if (!Number.isInteger(status) || status < 1 || status > MAX_STATUS) {
      throw new InvalidArgumentError(`"status" expected an integer in 1–65535, got ${String(status)}`)
    }
    super('ERR_RPC_STATUS', message, options)
    this.name = 'RpcError'
    this.status = status
  }
}

/**
 * A call was answered with a non-zero status. `status` is the wire code,
 * `statusName` its `RpcStatus` name (`'BadInput'`, `'ReferenceFailure'` for the
 * reference server's 257, `'Unknown(n)'` for application codes), `text` the
 * server's message decoded as UTF-8 (malformed bytes become U+FFFD).
 */
export class RemoteError extends PavillionError<RpcErrorCode> {
  /** The wire status code (1–65535). */
  readonly status: number
  /** The `RpcStatus` name of `status`. */
  readonly statusName: string
  /** The remote message, complete. */
  readonly text: string
  /** The function that was called. */
  readonly fn: number
  /** The server that answered. */
  readonly server: ServerInfo

  static override readonly brand: symbol = Symbol.for('pavillion.error.RemoteError')

  constructor(fn: number, status: number, text: string, server: ServerInfo) {
    const statusName = rpcStatusName(status)
    const shown = text.length > MESSAGE_TEXT_LIMIT ? `${text.slice(0, MESSAGE_TEXT_LIMIT)}…` : text
    super(
      'ERR_RPC_REMOTE',
      `function ${fn} on ${server.key} failed with status ${status} (${statusName}): ${shown}`,
    )
    this.name = 'RemoteError'
    this.status = status
    this.statusName = statusName
    this.text = text
    this.fn = fn
    this.server = server
  }
}
