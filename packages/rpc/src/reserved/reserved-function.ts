import type { HandleOptions, RpcHandler } from '../handler.ts'

/** One reserved function ready to register: number, handler, name and argument description. */
export interface ReservedFunctionSpec {
  readonly fn: number
  readonly handler: RpcHandler
  readonly options: HandleOptions
}
