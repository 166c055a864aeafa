import { readFile } from 'node:fs/promises'
import type { CliIo } from '../io.ts'
import { UsageError } from '../usage-error.ts'

/**
 * The text of a value that may be a secret (`flag` is how messages name it, e.g. `--psk`): the flag's value as is, or
 * — written `@path` — the content of that file (surrounding whitespace
 * removed). When the flag is absent, the environment variable `envName`
 * (same forms). Undefined when neither is given. Error messages name the
 * flag and the file, never the content.
 * @throws UsageError when the file cannot be read or is empty
 */
export async function secretText(
  flag: string,
  value: string | undefined,
  io: CliIo,
  envName?: string,
): Promise<string | undefined> {
  const given = value ?? (envName === undefined ? undefined : io.env[envName])
  if (given === undefined || given === '') return undefined
  if (!given.startsWith('@')) return given
  const path = given.slice(1)
  const source = value === undefined ? `${envName}=@${path}` : `${flag} @${path}`
  let text: string
  try {
    text = (await readFile(path, 'utf8')).trim()
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable'
    throw new UsageError(
      `${source}: cannot read the file (${code}); give a readable file or the value itself`,
    )
  }
  if (text === '') throw new UsageError(`${source}: the file is empty`)
  return text
}
