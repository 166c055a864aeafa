import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { UsageError } from '../usage-error.ts'

/** What each key of a `serve --config` file may hold, and the flag it stands for. */
const KEYS = {
  port: { kind: 'integer', flag: '--port' },
  bind: { kind: 'string', flag: '--bind' },
  multicast: { kind: 'string', flag: '--multicast' },
  interface: { kind: 'string', flag: '--interface' },
  secretKey: { kind: 'path-or-value', flag: '--secret-key' },
  allowGuests: { kind: 'boolean', flag: '--allow-guests' },
  broker: { kind: 'boolean', flag: '--broker' },
  echo: { kind: 'integers', flag: '--echo' },
  files: { kind: 'path', flag: '--files' },
  logLevel: { kind: 'string', flag: '--log-level' },
  clients: { kind: 'clients', flag: '' },
} as const

type Kind = (typeof KEYS)[keyof typeof KEYS]['kind']

const SHAPE =
  'expected {"port":1783,"bind":"ADDR","secretKey":"KEY or @FILE","clients":{"psk":{"ID":"KEY or @FILE"},"ecc":{"ID":"PUB"}},"echo":[401],"broker":true,"files":"DIR"}'

/**
 * The `serve` arguments a JSON config file stands for, to be read before
 * the command line's own (which therefore win, and add to lists). Keys are
 * those of {@link KEYS}; a key value or secret key written `@FILE` is read from
 * that file, and `@FILE` and `files` are relative to the config file.
 * @throws UsageError naming the file, the line and what is wrong
 */
export async function serveConfigArgs(path: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new UsageError(
      `--config ${path}: cannot read the file (${(error as { code?: string }).code ?? 'unreadable'})`,
    )
  }
  const where = (line: number) => `--config ${path}, line ${line}`
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const reason = (error as Error).message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^JSON\.parse: /, '')
    throw new UsageError(
      `${where(syntaxErrorLine(text, (error as Error).message))}: not valid JSON (${reason})`,
    )
  }
  if (!isRecord(parsed)) throw new UsageError(`${where(1)}: ${SHAPE}`)
  const base = dirname(resolve(path))
  const args: string[] = []
  for (const [key, value] of Object.entries(parsed)) {
    const line = lineOfKey(text, key)
    if (!Object.hasOwn(KEYS, key)) {
      throw new UsageError(
        `${where(line)}: unknown key "${key}"; the keys are ${Object.keys(KEYS).join(', ')}`,
      )
    }
    const { kind, flag } = KEYS[key as keyof typeof KEYS]
    args.push(
      ...argsOf(kind, flag, value, base, (what) => new UsageError(`${where(line)}: "${key}" ${what}`)),
    )
  }
  return args
}

function argsOf(
  kind: Kind,
  flag: string,
  value: unknown,
  base: string,
  bad: (what: string) => Error,
): string[] {
  switch (kind) {
    case 'integer':
      if (!Number.isInteger(value)) throw bad('expected an integer')
      return [flag, String(value)]
    case 'string':
      if (typeof value !== 'string') throw bad('expected a string')
      return [flag, value]
    case 'path':
      if (typeof value !== 'string') throw bad('expected a path (relative to the config file)')
      return [flag, resolve(base, value)]
    case 'path-or-value':
      if (typeof value !== 'string') throw bad('expected a key, or @FILE')
      return [flag, relativeAt(value, base)]
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('expected true or false')
      if (flag === '--broker') return [value ? '--broker' : '--no-broker']
      return value ? [flag] : []
    case 'integers':
      if (!Array.isArray(value) || !value.every((n) => Number.isInteger(n)))
        throw bad('expected a list of integers')
      return value.flatMap((n: number) => [flag, String(n)])
    case 'clients':
      return clientArgs(value, base, bad)
  }
}

function clientArgs(value: unknown, base: string, bad: (what: string) => Error): string[] {
  const expected = 'expected {"psk":{"ID":"KEY or @FILE"},"ecc":{"ID":"PUB or @FILE"}}'
  if (!isRecord(value)) throw bad(expected)
  const args: string[] = []
  for (const [kind, record] of Object.entries(value)) {
    if ((kind !== 'psk' && kind !== 'ecc') || !isRecord(record)) throw bad(`${expected}, found "${kind}"`)
    for (const [id, key] of Object.entries(record)) {
      if (typeof key !== 'string') throw bad(`${expected}; the key of "${id}" is not a string`)
      args.push(`--${kind}-client`, `${id}=${relativeAt(key, base)}`)
    }
  }
  return args
}

/** `@FILE` made relative to the config file's directory; any other value as is. */
function relativeAt(value: string, base: string): string {
  return value.startsWith('@') ? `@${resolve(base, value.slice(1))}` : value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The 1-based line of the first `"key":` in `text` (1 when not found). */
function lineOfKey(text: string, key: string): number {
  const at = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:`))
  return at < 0 ? 1 : lineAt(text, at)
}

/** The line a `JSON.parse` error points at: Node 20 gives a position, later versions a line too. */
function syntaxErrorLine(text: string, message: string): number {
  const line = /line (\d+)/.exec(message)
  if (line !== null) return Number(line[1])
  const position = /position (\d+)/.exec(message)
  return position === null ? lineAt(text, text.length) : lineAt(text, Number(position[1]))
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}
