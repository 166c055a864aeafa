/**
 * Runs `parse` and prefixes the message of a TypeError or RangeError it
 * throws with the option it came from (`clients.psk["kitchen"]: …`), keeping
 * the class so callers can still tell a wrong type from a wrong value. The
 * parsers never put key material in their messages, so neither does this.
 */
export function inOption<T>(option: string, parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`"${option}": ${error.message}`, { cause: error })
    if (error instanceof TypeError) throw new TypeError(`"${option}": ${error.message}`, { cause: error })
    throw error
  }
}
