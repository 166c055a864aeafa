/** What happened to the datagrams of one direction. */
export interface DirectionStats {
  /** Datagrams that entered the proxy in this direction. */
  received: number
  /** Datagrams handed to a socket (copies included). */
  forwarded: number
  /** Lost by the impairment (loss, burst loss, blackhole). */
  dropped: number
  /** Extra copies made. */
  duplicated: number
  /** Held back so that later datagrams overtake them. */
  reordered: number
  /** Forwarded with one bit flipped. */
  corrupted: number
  /** Forwarded after a delay. */
  delayed: number
  /** Dropped because `limits.maxHeld` datagrams were already held. */
  overflow: number
}

/** A snapshot of the proxy's counters. */
export interface ProxyStats {
  readonly toTarget: Readonly<DirectionStats>
  readonly fromTarget: Readonly<DirectionStats>
  /** Upstream sockets open now. */
  readonly upstreams: number
  /** Upstream sockets closed to stay within `limits.maxUpstreams`. */
  readonly evicted: number
  /** Datagrams held now (delayed or held back). */
  readonly held: number
  /** Datagrams refused because their source was not on 127.0.0.1. */
  readonly foreign: number
  /** Socket errors (send failures included); none of them stops the proxy. */
  readonly errors: number
}

/** A zeroed direction record. */
export function emptyDirectionStats(): DirectionStats {
  return {
    received: 0,
    forwarded: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    corrupted: 0,
    delayed: 0,
    overflow: 0,
  }
}
