/**
 * Topic names: how a Pavillion target, message name or identity becomes an
 * MQTT topic level and back, and how topic filters match.
 *
 * MQTT forbids `+` and `#` in topic names and U+0000 anywhere; `/` separates
 * levels and a leading `$` marks broker topics. So a level written from
 * Pavillion text percent-encodes `%`, `+`, `#` and U+0000, `/` too when the
 * text must stay one level (targets, identities), and a leading `$`.
 * Decoding is the exact inverse.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is forbidden in MQTT strings
const ALWAYS = /[%+#\u0000]/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is forbidden in MQTT strings
const ONE_LEVEL = /[%+#/\u0000]/g

function percent(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
}

/** `text` as exactly one topic level (targets, identities). */
export function encodeLevel(text: string): string {
  const encoded = text.replace(ONE_LEVEL, percent)
  return encoded.startsWith('$') ? `%24${encoded.slice(1)}` : encoded
}

/** `text` as one or more topic levels: `/` stays a separator (message names). */
export function encodeLevels(text: string): string {
  const encoded = text.replace(ALWAYS, percent)
  return encoded.startsWith('$') ? `%24${encoded.slice(1)}` : encoded
}

/** The text a level (or levels) encoded by {@link encodeLevel} / {@link encodeLevels} stands for; undefined when malformed. */
export function decodeLevels(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded)
  } catch {
    return undefined
  }
}

/**
 * True when `topic` matches the MQTT topic filter `filter` (`+` one level,
 * `#` the rest, including the parent level; `$` topics only match filters
 * that name their first level).
 */
export function matchesFilter(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  if (t[0]?.startsWith('$') === true && (f[0] === '+' || f[0] === '#')) return false
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true
    if (i >= t.length) return false
    if (f[i] !== '+' && f[i] !== t[i]) return false
  }
  return f.length === t.length
}

/** The levels of `filter` before its first wildcard: what every matching topic starts with. */
export function fixedLevels(filter: string): number {
  const levels = filter.split('/')
  const wild = levels.findIndex((level) => level === '+' || level === '#')
  return wild === -1 ? levels.length : wild
}

/**
 * Checks an MQTT topic filter: non-empty, no U+0000, `#` only as the last
 * level, `+` and `#` only as whole levels.
 * @returns the reason it is invalid, or undefined
 */
export function filterProblem(filter: string): string | undefined {
  if (filter === '') return 'is empty'
  if (filter.includes('\u0000')) return 'contains U+0000'
  const levels = filter.split('/')
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1))
      return '"#" must be a whole level and the last one'
    if (level.includes('+') && level !== '+') return '"+" must be a whole level'
  }
  return undefined
}
