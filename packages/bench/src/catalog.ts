import type { Scenario } from './scenario.ts'

/**
 * Every scenario, by the file under `scenarios/` that default-exports it, in
 * table order. To add a row: write `scenarios/NAME.ts` (see `scenario.ts`) and
 * add its one line here.
 */
export const SCENARIO_FILES = [
  'remote-echo',
  'remote-clients',
  'remote-group',
  'cold-start',
  'rpc',
  'publish',
  'reliable',
  'handshake',
  'memory',
  'registers',
  'mqtt',
  'soak',
] as const

/** Loads one scenario file (the parent loads all of them, a child only its own). */
export async function loadScenario(file: string): Promise<Scenario> {
  if (!(SCENARIO_FILES as readonly string[]).includes(file)) throw new Error(`no scenario file ${file}`)
  const module = (await import(`./scenarios/${file}.js`)) as { default: Scenario }
  return module.default
}

/** Loads every scenario, in table order. */
export function loadScenarios(): Promise<Scenario[]> {
  return Promise.all(SCENARIO_FILES.map(loadScenario))
}
