/**
 * Bad input from the user — an unknown command or flag, a malformed key,
 * address or number, a missing secret. The CLI prints its message on one
 * line and exits with status 2.
 */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'UsageError'
  }
}

/**
 * A failure that happened after the input was accepted and that the command
 * explains itself (a server that refused our client ID, a partial delivery).
 * Exit status 1.
 */
export class RuntimeFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RuntimeFailure'
  }
}

/** The user interrupted the command (SIGINT, SIGTERM) while it waited: exit status 130. */
export class Interrupted extends Error {
  constructor(signal: string) {
    super(`interrupted by ${signal}`)
    this.name = 'Interrupted'
  }
}
