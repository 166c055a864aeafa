/** Counters of what an endpoint did with the datagrams it saw; a snapshot is a plain object. */
export interface EndpointStats {
  /** Datagrams received. */
  datagramsIn: number
  /** Datagrams handed to the transport. */
  datagramsOut: number
  /** Bytes received. */
  bytesIn: number
  /** Bytes handed to the transport. */
  bytesOut: number
  /** Bytes sent in answer to datagrams that did not authenticate (for the amplification factor). */
  bytesOutUnauthenticated: number
  /** Bytes received in datagrams that did not authenticate. */
  bytesInUnauthenticated: number
  /** Dropped: larger than the largest datagram accepted. */
  oversized: number
  /** Dropped: not a well-formed Pavillion datagram or payload. */
  malformed: number
  /** Dropped: a MAC or a handshake hash did not verify. */
  forged: number
  /** Retransmissions (or replays) recognised by the replay window. */
  duplicates: number
  /** Dropped: counter below the replay window or the handshake's floor. */
  stale: number
  /** Dropped: from an address without a session, or a setup message nobody asked for. */
  unexpected: number
  /** Replies withheld by a rate limit or quiet period. */
  rateLimited: number
  /** Replies to unauthenticated datagrams refused by the per-source rate limit. */
  refusedPerSource: number
  /** Replies to unauthenticated datagrams refused by the global rate limit. */
  refusedGlobal: number
  /** Unauthenticated datagrams refused because the X25519 budget (`handshakeCpuShare`) was spent. */
  refusedCpu: number
  /** X25519 operations done for unauthenticated datagrams (nonce boxes, client infos opened, key checks). */
  x25519: number
  /** Guest handshakes refused: the guest quota and the rest of the session table were held by registered clients. */
  refusedGuests: number
  /** Dropped: an application opcode this endpoint does not handle. */
  unknownOpcode: number
  /** Packets dropped because a bounded queue or table was full. */
  overflow: number
  /** Completed handshakes. */
  handshakes: number
  /** Packets retransmitted by the reliability engine. */
  retransmissions: number
}

/** A zeroed stats record. */
export function emptyStats(): EndpointStats {
  return {
    datagramsIn: 0,
    datagramsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    bytesOutUnauthenticated: 0,
    bytesInUnauthenticated: 0,
    oversized: 0,
    malformed: 0,
    forged: 0,
    duplicates: 0,
    stale: 0,
    unexpected: 0,
    rateLimited: 0,
    refusedPerSource: 0,
    refusedGlobal: 0,
    refusedCpu: 0,
    x25519: 0,
    refusedGuests: 0,
    unknownOpcode: 0,
    overflow: 0,
    handshakes: 0,
    retransmissions: 0,
  }
}
