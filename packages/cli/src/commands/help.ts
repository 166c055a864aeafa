import { EXIT } from '../exit-status.ts'
import { HELP, type HelpTopic } from '../help/texts.ts'
import type { CliIo } from '../io.ts'
import { UsageError } from '../usage-error.ts'

/** True when `name` has a help text. */
function isHelpTopic(name: string): name is HelpTopic {
  return Object.hasOwn(HELP, name)
}

/** Prints the help of `topic` on stdout; returns status 0. */
export function printHelp(topic: HelpTopic, io: CliIo): number {
  io.stdout.write(`${HELP[topic]}\n`)
  return EXIT.ok
}

/** `pavillion help [COMMAND]`. */
export async function help(argv: readonly string[], io: CliIo): Promise<number> {
  const [topic = 'pavillion'] = argv
  if (!isHelpTopic(topic)) throw new UsageError(`no command "${topic}"; run pavillion --help for the list`)
  return printHelp(topic, io)
}
