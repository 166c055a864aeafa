/** The info-string word that marks a block as a fragment: shown to the reader, never run. */
export const FRAGMENT = 'fragment'

/** One fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The file it came from, as given to `extractBlocks`. */
  readonly file: string
  /** The 1-based line of its opening fence. */
  readonly line: number
  /** The info string's words: the language first (`ts`, `js`, `sh`, …), then markers such as `fragment`. */
  readonly info: readonly string[]
  /** The code between the fences, ending with a newline. */
  readonly code: string
}

/**
 * What the README test does with a block:
 * - `typescript` (`ts`, `typescript`, `mts`): type-checked against the built packages, then run;
 * - `javascript` (`js`, `javascript`, `mjs`): run as an `.mjs` file;
 * - `json`: parsed;
 * - `shell` (`sh`, `bash`, `shell`): its commands run in a terminal session (`ShellSession`);
 * - `fragment`: any block whose info string has the word `fragment` — an excerpt, never run
 *   (a `sh` fragment gives its reason in the words after `fragment`);
 * - `other`: listings (`text`, …), shown only;
 * - `unlabelled`: a fence without a language, which the test rejects.
 */
export type BlockKind = 'typescript' | 'javascript' | 'json' | 'shell' | 'fragment' | 'other' | 'unlabelled'

const TYPESCRIPT = new Set(['ts', 'typescript', 'mts'])
const JAVASCRIPT = new Set(['js', 'javascript', 'mjs'])
const SHELL = new Set(['sh', 'bash', 'shell'])

/** How the README test treats `block` (see `BlockKind`). */
export function kindOf(block: CodeBlock): BlockKind {
  const [language] = block.info
  if (language === undefined) return 'unlabelled'
  if (block.info.includes(FRAGMENT)) return 'fragment'
  if (TYPESCRIPT.has(language)) return 'typescript'
  if (JAVASCRIPT.has(language)) return 'javascript'
  if (language === 'json') return 'json'
  if (SHELL.has(language)) return 'shell'
  return 'other'
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/

/**
 * Every fenced code block of the Markdown `text` (CommonMark fences: three or
 * more backticks or tildes, closed by a fence of the same character at least
 * as long). An unclosed block runs to the end of the text.
 */
export function extractBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n')
  const blocks: CodeBlock[] = []
  let open: { fence: string; line: number; info: string[]; body: string[] } | undefined
  for (const [index, line] of lines.entries()) {
    const match = FENCE.exec(line)
    if (open === undefined) {
      if (match === null) continue
      const fence = match[1] ?? ''
      const rest = (match[2] ?? '').trim()
      if (fence.startsWith('`') && rest.includes('`')) continue // an inline code span, not a fence
      open = { fence, line: index + 1, info: rest === '' ? [] : rest.split(/\s+/), body: [] }
    } else if (match !== null && (match[2] ?? '').trim() === '' && isClosing(match[1] ?? '', open.fence)) {
      blocks.push(finish(file, open))
      open = undefined
    } else open.body.push(line)
  }
  if (open !== undefined) blocks.push(finish(file, open))
  return blocks
}

/** The reason a fragment gives in its info string (the words after `fragment`), empty when none. */
export function fragmentReason(block: CodeBlock): string {
  const at = block.info.indexOf(FRAGMENT)
  return at < 0 ? '' : block.info.slice(at + 1).join(' ')
}

function isClosing(candidate: string, fence: string): boolean {
  return candidate[0] === fence[0] && candidate.length >= fence.length
}

function finish(file: string, open: { line: number; info: string[]; body: string[] }): CodeBlock {
  return {
    file,
    line: open.line,
    info: open.info,
    code: open.body.length === 0 ? '' : `${open.body.join('\n')}\n`,
  }
}

/**
 * The words an example promises to print: a line `console.log(…) // words`
 * promises that each word of the comment appears in the program's output.
 */
export function promisedWords(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\)\s*\/\/ (.+)$/gm)].flatMap((m) =>
    (m[1] ?? '').split(/[\s[\]',…]+/).filter((word) => word !== ''),
  )
}

/**
 * Why `code` might send beyond this machine, if it might: an IPv4 literal
 * other than loopback (127.0.0.0/8), the wildcard 0.0.0.0 and the test
 * multicast group 239.255.28.12 — which a runnable block may only reach
 * through the interface 127.0.0.1.
 */
export function offLoopback(code: string): string | undefined {
  for (const [literal] of code.matchAll(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g)) {
    if (literal.startsWith('127.') || literal === '0.0.0.0') continue
    if (literal === '239.255.28.12' && code.includes("interface: '127.0.0.1'")) continue
    return `it names ${literal}`
  }
  return undefined
}
