import { type ParseArgsConfig, parseArgs } from 'node:util'
import { UsageError } from '../usage-error.ts'

type OptionSpecs = NonNullable<ParseArgsConfig['options']>

const HELP = { help: { type: 'boolean', short: 'h' } } as const

/** What {@link parseCommand} returns for the options `O`: typed `values` and `positionals`. */
export type ParsedCommand<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP; allowPositionals: true; strict: true }>
>

/**
 * Parses a command's arguments with `node:util` parseArgs (strict: unknown
 * flags are errors; positionals allowed), adding `--help`/`-h`.
 * @throws UsageError with parseArgs' message and where to find help
 */
export function parseCommand<const O extends OptionSpecs>(
  command: string,
  argv: readonly string[],
  options: O,
): ParsedCommand<O> {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, ...HELP },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see pavillion ${command} --help`)
  }
}

/**
 * Checks the number of positional arguments.
 * @throws UsageError naming what is missing or extra
 */
export function positionals(
  command: string,
  values: readonly string[],
  names: readonly string[],
  optional = 0,
): string[] {
  const required = names.length - optional
  if (values.length < required) {
    const usage = names.map((name, i) => (i < required ? name : `[${name}]`)).join(' ')
    throw new UsageError(
      `missing ${names.slice(values.length, required).join(' ')}; usage: pavillion ${command} ${usage}`,
    )
  }
  if (values.length > names.length) {
    throw new UsageError(`unexpected argument "${values[names.length]}"; see pavillion ${command} --help`)
  }
  return [...values]
}

/**
 * An integer flag within bounds, or its default.
 * @throws UsageError for anything that is not such an integer
 */
export function integerFlag(
  flag: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${label(flag)} expected an integer ${min}–${max}, got "${text}"`)
  }
  return value
}

/** How an error names an option (`--count`) or a positional argument (`FN`, upper case as in the usage line). */
function label(name: string): string {
  return /^[A-Z]+$/.test(name) ? name : `--${name}`
}
