import { toHex } from 'pavillion/crypto'

/** A client ID as people read it: its text when it is printable ASCII, else hex. */
export function idLabel(id: Uint8Array): string {
  for (const byte of id) if (byte < 0x20 || byte > 0x7e) return toHex(id)
  return String.fromCharCode(...id)
}

/** Key of a map from a (server, client) address pair. */
export function pairKey(server: string, client: string): string {
  return `${server}|${client}`
}
