import { PavillionError } from 'pavillion'

/**
 * A bridge option or configuration file that cannot work (a bad topic
 * filter, an unknown link, a malformed URL). `path` names the option, e.g.
 * `inbound[0].filter`; the message never contains a secret.
 */
export class BridgeConfigError extends PavillionError {
  /** Where in the options the problem is. */
  readonly path: string

  constructor(path: string, message: string, options?: ErrorOptions) {
    super('ERR_INVALID_ARGUMENT', `${path}: ${message}`, options)
    this.name = 'BridgeConfigError'
    this.path = path
  }

  static override readonly brand: symbol = Symbol.for('pavillion.error.BridgeConfigError')
}
