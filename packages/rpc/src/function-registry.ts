import { InvalidArgumentError } from '@pavillion/core'
import type { Descriptor } from '@pavillion/wire'
import type { HandleOptions, RpcHandler } from './handler.ts'

/** Highest function number (u16). */
const MAX_FN = 0xffff
/** Function numbers below this are reserved by the protocol (PROTOCOL.md §12). */
const RESERVED_FUNCTIONS = 4096

/** A registered function. */
export interface RegisteredFunction {
  readonly handler: RpcHandler
  readonly name: string | undefined
  readonly arguments: string
}

/**
 * Checks a function number.
 * @throws InvalidArgumentError unless it is an integer in 0–65535
 */
export function checkFunctionNumber(fn: unknown): number {
  if (typeof fn !== 'number' || !Number.isInteger(fn) || fn < 0 || fn > MAX_FN) {
    throw new InvalidArgumentError(`"fn" expected an integer in 0–65535, got ${String(fn)}`)
  }
  return fn
}

/** Handlers by function number, with their names for what-is and descriptors. */
export class FunctionRegistry {
  readonly #functions = new Map<number, RegisteredFunction>()

  /**
   * Registers `handler` for `fn`; returns its remover.
   * @throws InvalidArgumentError for a bad number or name, a `handler` that is not a function,
   *   or an `fn` that already has a handler
   */
  add(fn: number, handler: RpcHandler, options: HandleOptions = {}): () => void {
    checkFunctionNumber(fn)
    if (typeof handler !== 'function')
      throw new InvalidArgumentError(`"handler" expected a function, got ${typeof handler}`)
    const name = checkName(fn, options.name)
    const args = options.arguments ?? ''
    if (typeof args !== 'string' || args.includes('\n')) {
      throw new InvalidArgumentError('"arguments" expected a string without newlines')
    }
    if (this.#functions.has(fn)) throw new InvalidArgumentError(`function ${fn} already has a handler`)
    const entry: RegisteredFunction = { handler, name, arguments: args }
    this.#functions.set(fn, entry)
    return () => {
      if (this.#functions.get(fn) === entry) this.#functions.delete(fn)
    }
  }

  /** The function registered for `fn`, if any. */
  get(fn: number): RegisteredFunction | undefined {
    return this.#functions.get(fn)
  }

  /** Every named function, by number, as descriptors (8) lists them. */
  descriptors(): Descriptor[] {
    return [...this.#functions.entries()]
      .filter(([, f]) => f.name !== undefined)
      .sort(([a], [b]) => a - b)
      .map(([, f]) => ({ name: f.name as string, arguments: f.arguments }))
  }
}

function checkName(fn: number, name: unknown): string | undefined {
  if (name === undefined) return undefined
  if (typeof name !== 'string' || !/^\p{L}[^\s]*$/u.test(name)) {
    throw new InvalidArgumentError(
      `"name" expected a string starting with a letter, without spaces, got '${String(name)}'`,
    )
  }
  if (name.startsWith('core.') && fn >= RESERVED_FUNCTIONS) {
    throw new InvalidArgumentError(`"name" '${name}': core. names are reserved for functions 0–4095`)
  }
  return name
}
