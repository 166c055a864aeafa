import { InvalidArgumentError } from 'pavillion'
import { Interrupted, UsageError } from './usage-error.ts'

/** Exit statuses: success, a remote or runtime failure, bad input; 130 after an interrupt. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** Socket errors that mean "this address cannot be used here" (bad input, status 2), with advice. */
const ADDRESS_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use; choose another with --port (0: any free port)',
  EADDRNOTAVAIL: 'that address is not on this machine; check --bind / --interface',
  EACCES: 'permission denied; ports below 1024 need privileges, broadcast needs to be allowed',
  EPERM: 'the operating system refused; check the address and firewall',
  ENETUNREACH: "the network is unreachable from here; check the address and this machine's network",
  EHOSTUNREACH: 'the host is unreachable; check the address',
  ENOTFOUND: 'the host name does not resolve; give an IP address',
}

/** How a command failed: its exit status and a one-line message saying what to do. */
export interface Failure {
  readonly status: number
  readonly message: string
}

/**
 * Classifies what a command threw: bad input (2) for usage errors, argument
 * errors (InvalidArgumentError from option checks, or Node's own TypeError and
 * RangeError) and unusable addresses;
 * remote and runtime failures (1) for everything else; 130 for an interrupt.
 */
export function failureOf(error: unknown): Failure {
  const message = oneLine(error instanceof Error ? error.message : String(error))
  if (error instanceof Interrupted) return { status: EXIT.interrupted, message }
  if (
    error instanceof UsageError ||
    error instanceof InvalidArgumentError ||
    error instanceof TypeError ||
    error instanceof RangeError
  ) {
    return { status: EXIT.usage, message }
  }
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && ADDRESS_ERRORS[code] !== undefined) {
    return { status: EXIT.usage, message: `${message}: ${ADDRESS_ERRORS[code]}` }
  }
  return { status: EXIT.failure, message }
}

/** Collapses a message to one line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
