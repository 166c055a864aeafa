import type { CliIo } from '../io.ts'

/** One subcommand: runs with its arguments (after the command name) and resolves with the exit status. */
export type Command = (argv: readonly string[], io: CliIo) => Promise<number>
