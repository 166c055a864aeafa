import { toHex } from 'pavillion'

const strict = new TextDecoder('utf-8', { fatal: true })

/** The UTF-8 text of `bytes`, or undefined when they are not valid UTF-8 or hold control characters. */
export function textOf(bytes: Uint8Array): string | undefined {
  try {
    const text = strict.decode(bytes)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text) ? undefined : text
  } catch {
    return undefined
  }
}

/** Bytes for NDJSON: always `hex`, and `text` when they are printable UTF-8. */
export function bytesField(bytes: Uint8Array): { readonly hex: string; readonly text?: string } {
  const text = textOf(bytes)
  return text === undefined ? { hex: toHex(bytes) } : { hex: toHex(bytes), text }
}

/** Bytes for a text line: quoted text when printable UTF-8 (and not `hex`), else `0x…`. */
export function bytesText(bytes: Uint8Array, hex: boolean): string {
  const text = hex ? undefined : textOf(bytes)
  return text === undefined ? `0x${toHex(bytes)}` : JSON.stringify(text)
}

/** A client ID for display: its text when printable UTF-8, else hex. */
export function idText(id: Uint8Array): string {
  return textOf(id) ?? toHex(id)
}
