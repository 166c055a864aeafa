import { ReservedFunction } from '@pavillion/wire'
import type { ReservedFunctionSpec } from './reserved-function.ts'

/** Echo (0): returns its arguments. */
export function echoFunction(): ReservedFunctionSpec {
  return {
    fn: ReservedFunction.Echo,
    handler: (args) => args,
    options: { name: 'core.echo', arguments: 'bytes' },
  }
}
