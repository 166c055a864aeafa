import type { MdnsRecord } from './mdns-links.ts'

/**
 * True when two records carry the same name, type and data (TTL aside):
 * our own records looped back, or an identical claim, are no conflict.
 */
export function sameRecord(a: MdnsRecord, b: MdnsRecord): boolean {
  if (a.type !== b.type || typeof a.name !== 'string' || typeof b.name !== 'string') return false
  if (a.name.toLowerCase() !== b.name.toLowerCase()) return false
  return dataKey(a.data) === dataKey(b.data)
}

function dataKey(data: unknown): string {
  if (Buffer.isBuffer(data)) return `b:${data.toString('hex')}`
  if (typeof data === 'string') return `s:${data.toLowerCase()}`
  if (Array.isArray(data)) return `a:${data.map(dataKey).join('|')}`
  if (typeof data === 'object' && data !== null) {
    const { target, port } = data as { target?: unknown; port?: unknown }
    return `srv:${String(port)}/${String(target).toLowerCase()}`
  }
  return `?:${String(data)}`
}
