import { InvalidArgumentError } from '@pavillion/core'

/**
 * Runs `parse` and prefixes the message of an InvalidArgumentError it
 * throws with the option it came from (`clients.psk["kitchen"]: …`), keeping
 * the original as `cause`. The parsers never put key material in their
 * messages, so neither does this.
 */
export function inOption<T>(option: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof InvalidArgumentError)
      throw new InvalidArgumentError(`"${option}": ${error.message}`, { cause: error })
    throw error
  }
}
