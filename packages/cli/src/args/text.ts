import { UsageError } from '../usage-error.ts'

/**
 * `text` unchanged, unless it holds U+FFFD: Node decodes the command line as
 * UTF-8 and turns every byte sequence that is not UTF-8 into that character,
 * so the bytes the user meant are already lost — refuse rather than send
 * something else. (A U+FFFD typed on purpose is refused too; hex says it.)
 * @throws UsageError naming the argument and what to use instead
 */
export function textArg(label: string, text: string, binary = false): string {
  if (!text.includes('\uFFFD')) return text
  const instead = binary
    ? 'give the bytes as hex with --hex, or on standard input with --stdin'
    : 'give it in UTF-8'
  throw new UsageError(`${label} is not valid UTF-8 (the command line can only carry UTF-8 text); ${instead}`)
}
