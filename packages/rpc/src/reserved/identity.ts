import { encodeIdentityResult, type Identity, ReservedFunction } from '@pavillion/wire'
import type { ReservedFunctionSpec } from './reserved-function.ts'

/**
 * Identity (7): vendor UUID, product ID, serial (16 bytes each) and name.
 * @throws InvalidArgumentError when `identity` does not encode
 */
export function identityFunction(identity: Identity): ReservedFunctionSpec {
  const encoded = encodeIdentityResult(identity)
  return {
    fn: ReservedFunction.Identity,
    handler: () => encoded,
    options: { name: 'core.identity' },
  }
}
