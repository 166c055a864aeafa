import { SERVICE_TYPE } from './constants.ts'
import type { MdnsRecord } from './mdns-links.ts'
import { sameRecord } from './records.ts'

/** A PTR record a browser holds: the instance it names, its TTL (s) and when it arrived (ms). */
export interface HeldPointer {
  readonly instance: string
  readonly ttl: number
  readonly receivedAt: number
}

/** Bytes of known answers one query carries at most, so that it stays one unfragmented datagram. */
const MAX_KNOWN_ANSWER_BYTES = 1_200
/** A PTR record's size on the wire without its target's label: owner name, fixed fields, the target's suffix. */
const PTR_OVERHEAD = 23 + 10 + 2 + 23

/**
 * RFC 6762 §7.1, querier side: the PTR records a repeated query lists as
 * already known — those with more than half their TTL left, each with its
 * remaining TTL — so that responders holding them stay quiet.
 */
export function knownAnswers(held: readonly HeldPointer[], now: number): MdnsRecord[] {
  const out: MdnsRecord[] = []
  let bytes = 0
  for (const pointer of held) {
    const left = Math.floor(pointer.ttl - (now - pointer.receivedAt) / 1_000)
    if (left * 2 <= pointer.ttl) continue
    bytes += PTR_OVERHEAD + Buffer.byteLength(pointer.instance)
    if (bytes > MAX_KNOWN_ANSWER_BYTES) break
    out.push({ name: SERVICE_TYPE, type: 'PTR', ttl: left, data: `${pointer.instance}.${SERVICE_TYPE}` })
  }
  return out
}

/**
 * RFC 6762 §7.1, responder side: `records` without those the query already
 * lists among its known answers with at least half the TTL we would give.
 */
export function notKnown(
  records: readonly MdnsRecord[],
  known: readonly MdnsRecord[] | undefined,
): MdnsRecord[] {
  if (known === undefined || known.length === 0) return [...records]
  return records.filter(
    (mine) =>
      !known.some(
        (theirs) =>
          typeof theirs.ttl === 'number' && theirs.ttl * 2 >= (mine.ttl ?? 0) && sameRecord(mine, theirs),
      ),
  )
}
