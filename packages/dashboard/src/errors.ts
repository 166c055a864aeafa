import { PavillionError } from 'pavillion'

/**
 * Misuse of the dashboard API: no node to show, or an option that cannot
 * work (a port out of range, an empty bind address). Code `ERR_INVALID_ARGUMENT`.
 */
export class DashboardError extends PavillionError {
  /** The option at fault. */
  readonly option: string

  static override readonly brand: symbol = Symbol.for('pavillion.error.DashboardError')

  constructor(option: string, message: string) {
    super('ERR_INVALID_ARGUMENT', `"${option}": ${message}`)
    this.name = 'DashboardError'
    this.option = option
  }
}
