import { encodeDescriptorsResult, ReservedFunction } from '@pavillion/wire'
import type { FunctionRegistry } from '../function-registry.ts'
import type { ReservedFunctionSpec } from './reserved-function.ts'

/** Descriptors (8): one `name arguments` line per named function, by number. */
export function descriptorsFunction(registry: FunctionRegistry): ReservedFunctionSpec {
  return {
    fn: ReservedFunction.Descriptors,
    handler: () => encodeDescriptorsResult(registry.descriptors()),
    options: { name: 'core.descriptors' },
  }
}
