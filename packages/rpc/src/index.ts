/**
 * @packageDocumentation
 * Numbered remote calls over Pavillion (opcodes 4 and 5). `RpcServer` runs
 * each call at most once per client session, answers retransmissions from a
 * bounded cache and maps errors to wire statuses without leaking stacks;
 * `RpcClient` makes calls that the engine retransmits by RTT, gathers
 * answers from every server of a multicast group, and wraps the reserved
 * functions (echo, what-is, status, identity, descriptors, files).
 *
 * @example
 * ```ts
 * import { RpcClient, RpcError, RpcServer, RpcStatus } from '@pavillion/rpc'
 *
 * // server: a core Server
 * const rpcServer = new RpcServer(server)
 * rpcServer.handle(401, async (args, { client }) => {
 *   if (args.length === 0) throw new RpcError(RpcStatus.BadInput, 'empty argument')
 *   return args
 * }, { name: 'echo401' })
 * rpcServer.enableReserved({ echo: true, whatIs: true })
 *
 * // client: a core Client
 * const rpc = new RpcClient(client)
 * const answer = await rpc.call(401, new TextEncoder().encode('hi'), { timeout: 2000 })
 * const name = await rpc.whatIs(401) // 'echo401'
 * ```
 */
export { RpcStatus, rpcStatusName } from '@pavillion/wire'
export type { CallOptions } from './call-options.ts'
export type { ReadFileOptions } from './client-helpers/read-file.ts'
export type { WriteFileOptions } from './client-helpers/write-file.ts'
export { RemoteError, RpcError, type RpcErrorCode } from './errors.ts'
export type { HandleOptions, RpcContext, RpcHandler } from './handler.ts'
export {
  DEFAULT_CACHE_ENTRIES,
  DEFAULT_CACHE_TTL,
  DEFAULT_CALL_ALL_TIMEOUT,
  DEFAULT_MAX_FILE_SIZE,
  FILE_CHUNK,
  MAX_ARGS_SIZE,
  MAX_FILE_READ,
  MAX_RESULT_SIZE,
} from './limits.ts'
export type { ReservedOptions } from './reserved/enable-reserved.ts'
export {
  type CallAllResult,
  RpcClient,
  type RpcClientHost,
  type RpcClientOptions,
} from './rpc-client.ts'
export { RpcServer, type RpcServerHost, type RpcServerOptions, type RpcServerStats } from './rpc-server.ts'
