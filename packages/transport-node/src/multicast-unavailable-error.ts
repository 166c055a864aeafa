import { PavillionError, type PeerAddress } from '@pavillion/core'

/**
 * Reported through `onError`, never thrown (`code` `ERR_MULTICAST_UNAVAILABLE`):
 * a datagram to the group was dropped because the multicast interface is not
 * set up yet. The setup keeps retrying in the background; unicast keeps working.
 */
export class MulticastUnavailableError extends PavillionError<'ERR_MULTICAST_UNAVAILABLE'> {
  static override readonly brand: symbol = Symbol.for('pavillion.error.MulticastUnavailableError')

  /** Where the dropped datagram was going. */
  readonly destination: PeerAddress

  constructor(destination: PeerAddress) {
    super(
      'ERR_MULTICAST_UNAVAILABLE',
      `datagram to group ${destination.address}:${destination.port} dropped: the multicast interface is not available yet (retried in the background)`,
    )
    this.name = 'MulticastUnavailableError'
    this.destination = destination
  }
}
