import type { Identity } from '@pavillion/wire'
import type { FunctionRegistry } from '../function-registry.ts'
import { descriptorsFunction } from './descriptors.ts'
import { echoFunction } from './echo.ts'
import { identityFunction } from './identity.ts'
import type { ReservedFunctionSpec } from './reserved-function.ts'
import { statusFunction } from './status.ts'
import { whatIsFunction } from './what-is.ts'

/** Which reserved functions (PROTOCOL.md §12) a server answers. Each is off unless given. */
export interface ReservedOptions {
  /** Echo (0): returns its arguments. */
  readonly echo?: boolean
  /** What-is (1): the name of a function registered with `{ name }`, empty otherwise. */
  readonly whatIs?: boolean
  /** Status (6): called per request; its lines are returned newline-separated. */
  readonly status?: () => readonly string[] | Promise<readonly string[]>
  /** Identity (7): returned as vendor UUID ‖ product ID ‖ serial (16 bytes each) ‖ UTF-8 name. */
  readonly identity?: Identity
  /** Descriptors (8): `name arguments` of every named function. */
  readonly descriptors?: boolean
}

/** Registers the reserved functions `options` asks for, all or none; returns their remover. */
export function enableReserved(registry: FunctionRegistry, options: ReservedOptions): () => void {
  const specs: ReservedFunctionSpec[] = []
  if (options.echo === true) specs.push(echoFunction())
  if (options.whatIs === true) specs.push(whatIsFunction(registry))
  if (options.status !== undefined) specs.push(statusFunction(options.status))
  if (options.identity !== undefined) specs.push(identityFunction(options.identity))
  if (options.descriptors === true) specs.push(descriptorsFunction(registry))
  const removers: (() => void)[] = []
  try {
    for (const spec of specs) removers.push(registry.add(spec.fn, spec.handler, spec.options))
  } catch (error) {
    for (const remove of removers) remove()
    throw error
  }
  return () => {
    for (const remove of removers) remove()
  }
}
