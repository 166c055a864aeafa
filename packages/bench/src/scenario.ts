import type { Budget } from './measure.ts'
import type { Keys } from './pair.ts'
import type { Row } from './row.ts'

/** What every scenario gets for one run. */
export interface BenchContext {
  /** Keys for one-process scenarios (two-process ones make their own in each child). */
  readonly keys: Keys
  /** Time budget of each measurement. */
  readonly budget: Budget
  /** Sessions of the memory scenario. */
  readonly sessions: number
  /** The crypto backend in use (for the table's header). */
  readonly backend: string
  /** Size and length of the soak scenario. */
  readonly soak: { readonly clients: number; readonly seconds: number }
}

/**
 * A role played in a forked child process: started from JSON parameters, it
 * reports JSON `info` to the parent (e.g. its port), answers the parent's
 * requests (e.g. "measure 32 in flight") and closes when asked.
 */
export interface RoleInstance {
  readonly info?: unknown
  request?(request: unknown): Promise<unknown>
  close(): Promise<void>
}

/** Starts a role in the child process from the parameters the parent sent. */
export type Role = (params: never) => Promise<RoleInstance>

/**
 * One benchmark scenario, in a file of its own under `scenarios/` and named
 * in `catalog.ts`. `run` measures once (the command line repeats it for
 * `--runs`) and returns rows with the raw figure of the same shape.
 */
export interface Scenario {
  /** What `--only` selects, e.g. `remote-rpc`. */
  readonly name: string
  /** Which table the rows go to. */
  readonly mode: 'two-process' | 'one-process'
  run(context: BenchContext): Promise<Row[]>
  /** Roles this scenario's children play, by name (two-process scenarios). */
  readonly roles?: Readonly<Record<string, Role>>
  /** Runs only when `--only` names it, and once whatever `--runs` says (a long run that is its own verdict). */
  readonly standalone?: true
}

/** Type-checks a scenario definition (the default export of a scenario file). */
export function defineScenario(scenario: Scenario): Scenario {
  return scenario
}
