/** Bytes as the page shows them: UTF-8 text when they are printable text, and always hex. */
export interface BytesView {
  /** The bytes as text, or null when they are not printable UTF-8. */
  readonly text: string | null
  readonly hex: string
  readonly length: number
}

/** The most bytes of one payload sent to the page (the rest is cut, and `length` says how many there were). */
const MAX_SHOWN_BYTES = 512

const strict = new TextDecoder('utf-8', { fatal: true })

/** The view of `bytes`, at most {@link MAX_SHOWN_BYTES} of them. */
export function viewOf(bytes: Uint8Array): BytesView {
  const shown = bytes.subarray(0, MAX_SHOWN_BYTES)
  let text: string | null = null
  try {
    const decoded = strict.decode(shown)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    text = /[\u0000-\u0008\u000e-\u001f\u007f]/.test(decoded) ? null : decoded
  } catch {
    text = null
  }
  return { text, hex: Buffer.from(shown).toString('hex'), length: bytes.length }
}

/**
 * The bytes the page typed, as `text` (UTF-8) or `hex` (spaces allowed).
 * Returns undefined when hex is malformed.
 */
export function bytesFrom(value: string, encoding: 'text' | 'hex'): Uint8Array | undefined {
  if (encoding === 'text') return new TextEncoder().encode(value)
  const digits = value.replace(/\s+/g, '')
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) return undefined
  return Uint8Array.from(Buffer.from(digits, 'hex'))
}
