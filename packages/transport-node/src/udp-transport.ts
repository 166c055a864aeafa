import type { PeerAddress, Transport } from '@pavillion/core'

/** A `Transport` over `node:dgram` sockets; see `createUdpTransport()`. */
export interface UdpTransport extends Transport {
  /** The listening socket's address; differs from `localAddress()` only with `separateSendSocket`. */
  listenAddress(): PeerAddress
}
