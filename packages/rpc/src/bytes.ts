const encoder = new TextEncoder()
// Not fatal: a remote's text is shown as well as it can be (malformed bytes become U+FFFD).
const lenient = new TextDecoder('utf-8', { ignoreBOM: true })

/** Encodes `text` as UTF-8, cut at a character boundary to at most `maxBytes` bytes. */
export function utf8Truncated(text: string, maxBytes: number): Uint8Array {
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return bytes
  let end = maxBytes
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--
  return bytes.subarray(0, end)
}

/** Decodes UTF-8 leniently: never throws, malformed sequences become U+FFFD. */
export function utf8Lenient(bytes: Uint8Array): string {
  return lenient.decode(bytes)
}

/** Lower-case hex of `bytes`. */
export function hexOf(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}
