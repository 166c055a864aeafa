import { PavillionError, type PavillionErrorCode } from '../errors.ts'

/** Thrown by `MemoryTransport.send()` after `close()`; the same `code` as the UDP transport's error. */
export class MemoryTransportClosedError extends PavillionError<PavillionErrorCode> {
  static override readonly brand: symbol = Symbol.for('pavillion.error.MemoryTransportClosedError')

  constructor() {
    super('ERR_TRANSPORT_CLOSED', 'the transport is closed; create a new one to send again')
    this.name = 'MemoryTransportClosedError'
  }
}
