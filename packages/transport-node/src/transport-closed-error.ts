import { PavillionError } from '@pavillion/core'

/** Thrown by `send()` once `close()` has been called (`code` `ERR_TRANSPORT_CLOSED`). */
export class TransportClosedError extends PavillionError {
  static override readonly brand: symbol = Symbol.for('pavillion.error.TransportClosedError')

  constructor() {
    super(
      'ERR_TRANSPORT_CLOSED',
      'the UDP transport is closed; create a new one with createUdpTransport() to send again',
    )
    this.name = 'TransportClosedError'
  }
}
