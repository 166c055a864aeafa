import { InvalidArgumentError } from '@pavillion/core'
import { ReservedFunction } from '@pavillion/wire'
import type { ReservedFunctionSpec } from './reserved-function.ts'

const encoder = new TextEncoder()

/** Status (6): the lines `lines()` returns, UTF-8, newline-separated. */
export function statusFunction(
  lines: () => readonly string[] | Promise<readonly string[]>,
): ReservedFunctionSpec {
  if (typeof lines !== 'function')
    throw new InvalidArgumentError(`"status" expected a function, got ${typeof lines}`)
  return {
    fn: ReservedFunction.Status,
    handler: async () => encoder.encode((await lines()).join('\n')),
    options: { name: 'core.status' },
  }
}
