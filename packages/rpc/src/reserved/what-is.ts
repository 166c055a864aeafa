import {
  decodeWhatIsArgs,
  encodeWhatIsResult,
  ReservedFunction,
  RpcStatus,
  WireDecodeError,
} from '@pavillion/wire'
import { RpcError } from '../errors.ts'
import type { FunctionRegistry } from '../function-registry.ts'
import type { ReservedFunctionSpec } from './reserved-function.ts'

/** What-is (1): the name a function was registered with; empty when it has none or does not exist (PROTOCOL.md §12). */
export function whatIsFunction(registry: FunctionRegistry): ReservedFunctionSpec {
  return {
    fn: ReservedFunction.WhatIs,
    handler: (args) => {
      let fn: number
      try {
        fn = decodeWhatIsArgs(args)
      } catch (error) {
        if (error instanceof WireDecodeError)
          throw new RpcError(RpcStatus.BadInput, 'expected a u16 function number')
        throw error
      }
      return encodeWhatIsResult(registry.get(fn)?.name ?? '')
    },
    options: { name: 'core.whatIs', arguments: 'u16 function' },
  }
}
