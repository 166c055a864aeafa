/** Thrown by `send()` once `close()` has been called. */
export class TransportClosedError extends Error {
  /** Machine-readable reason. */
  readonly code = 'ERR_TRANSPORT_CLOSED'

  constructor() {
    super('the UDP transport is closed; create a new one with createUdpTransport() to send again')
    this.name = 'TransportClosedError'
  }
}
