/** Where the listening socket binds. */
export interface BindOptions {
  /** An IP literal (never a host name). Default: every interface of the family (`0.0.0.0` or `::`). */
  readonly address?: string
  /** Default 0: a port chosen by the OS. */
  readonly port?: number
}

/** Multicast configuration. The interface is always explicit: the OS default is never used. */
export interface MulticastOptions {
  /**
   * The group the listening socket joins (e.g. `239.255.28.12`). Omit it to
   * only send to groups, as a client's main socket does (PROTOCOL.md §2.4).
   * On Linux a socket bound to a unicast address does not receive group
   * datagrams: bind to all interfaces to receive them.
   */
  readonly group?: string
  /** Address of the interface that joins and sends, e.g. `127.0.0.1`, or `::%lo` for IPv6. */
  readonly interface: string
  /** Hop limit of sent group datagrams, 0–255. Default: the OS default (1). */
  readonly ttl?: number
  /** Deliver our own group datagrams to local sockets, this one included. Default true. */
  readonly loopback?: boolean
}

/**
 * The client's announce listener (PROTOCOL.md §2.4): a socket at (`group`, `port`) joined to `group`
 * (bound to the group, so it never takes a server's unicast datagrams on a shared port; on Windows,
 * which cannot bind to a group, on every interface).
 */
export interface AnnounceOptions {
  /** The group announcements are sent to, e.g. `224.0.0.251`. */
  readonly group: string
  /** The port announcements are sent to, e.g. 2221. Shared with other listeners (address reuse). */
  readonly port: number
  /** Address of the interface that joins the group. */
  readonly interface: string
}

/** Options of `createUdpTransport()`. Everything is optional. */
export interface UdpTransportOptions {
  /** Where the listening socket binds. Default all interfaces, OS-chosen port. */
  readonly bind?: BindOptions
  /** Socket family. Default: the family of `bind.address`, else `udp4`. */
  readonly family?: 'udp4' | 'udp6'
  /** `SO_REUSEADDR` on the listening socket, so several sockets share its port (on Linux also for unicast). Default false. */
  readonly reuseAddress?: boolean
  /**
   * Server mode (PROTOCOL.md §2.3): every datagram leaves from a second socket
   * bound to (bind address, OS-chosen port); both sockets are read, and
   * `localAddress()` reports the sending one. Default false.
   */
  readonly separateSendSocket?: boolean
  /** Join a group and/or send to groups. */
  readonly multicast?: MulticastOptions
  /** Allow sending to broadcast addresses (`SO_BROADCAST`). Default false. */
  readonly broadcast?: boolean
  /** Also read the announce listener socket. */
  readonly announce?: AnnounceOptions
  /** `SO_RCVBUF` of every socket, in bytes (the kernel may cap or double it). Default: the OS default. */
  readonly receiveBufferSize?: number
  /** `SO_SNDBUF` of the sending socket, in bytes. Default: the OS default. */
  readonly sendBufferSize?: number
}
