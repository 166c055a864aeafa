/** Thrown by `MemoryTransport.send()` after `close()`; same `code` as the UDP transport's error. */
export class MemoryTransportClosedError extends Error {
  /** Machine-readable reason. */
  readonly code = 'ERR_TRANSPORT_CLOSED'

  constructor() {
    super('the transport is closed; create a new one to send again')
    this.name = 'MemoryTransportClosedError'
  }
}
