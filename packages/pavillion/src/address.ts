import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { PeerAddress } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'

/** An address as the API accepts it: `'HOST:PORT'`, `'[IPv6]:PORT'`, `'HOST'`, or `{ address, port }`. */
export type AddressInput = string | PeerAddress

/** A parsed address whose host may still be a name. */
export interface HostPort {
  /** An IP literal (IPv6 without brackets) or a host name. */
  readonly host: string
  readonly port: number
}

/** How {@link parseAddress} reads an address. */
export interface ParseAddressOptions {
  /** The option's name, for error messages. */
  readonly option: string
  /** The port when the text names none. */
  readonly defaultPort: number
  /** Accept port 0 (an OS-chosen port: only where something binds). Default false. */
  readonly allowPortZero?: boolean
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/i

/**
 * Splits an address into host and port: `'192.168.1.10:1783'`,
 * `'[fe80::1%eth0]:1783'`, `'sensor.local'` (default port), a bare IPv6
 * literal, or `{ address, port }`.
 * @throws InvalidArgumentError for a value that is not an address; InvalidArgumentError for a bad port or host
 */
export function parseAddress(input: AddressInput, options: ParseAddressOptions): HostPort {
  const { option } = options
  if (typeof input === 'object' && input !== null) {
    if (typeof input.address !== 'string' || typeof input.port !== 'number') {
      throw new InvalidArgumentError(`"${option}" expected { address: string, port: number }`)
    }
    return { host: checkHost(input.address, option), port: checkPort(input.port, options) }
  }
  if (typeof input !== 'string') {
    throw new InvalidArgumentError(
      `"${option}" expected 'HOST:PORT', '[IPv6]:PORT' or { address, port }, got ${typeof input}`,
    )
  }
  const text = input.trim()
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text)
  if (bracketed !== null) {
    const host = bracketed[1] ?? ''
    if (isIP(host) !== 6) throw new InvalidArgumentError(`"${option}": [${host}] is not an IPv6 address`)
    return { host, port: portOf(bracketed[2], options) }
  }
  if (isIP(text) === 6) return { host: text, port: options.defaultPort }
  const colon = text.lastIndexOf(':')
  const host = colon < 0 ? text : text.slice(0, colon)
  return {
    host: checkHost(host, option),
    port: portOf(colon < 0 ? undefined : text.slice(colon + 1), options),
  }
}

/**
 * Parses an address and resolves a host name to an IP literal (IPv4 first,
 * as the protocol is IPv4 in practice; then IPv6).
 * @throws InvalidArgumentError as {@link parseAddress}; InvalidArgumentError when the name does not resolve
 */
export async function resolveAddress(
  input: AddressInput,
  options: ParseAddressOptions,
): Promise<PeerAddress> {
  const { host, port } = parseAddress(input, options)
  if (isIP(host) !== 0) return { address: host, port }
  for (const family of [4, 6] as const) {
    try {
      return { address: (await lookup(host, { family })).address, port }
    } catch {
      // Try the other family; the error below covers both.
    }
  }
  throw new InvalidArgumentError(
    `"${options.option}": cannot resolve the host name "${host}"; give an IP address (e.g. 192.168.1.10:1783) or a name this machine can resolve`,
  )
}

/**
 * Checks an IP literal option (a bind address, an interface).
 * @throws InvalidArgumentError when it is not a string; InvalidArgumentError when it is not an IP address
 */
export function checkIpLiteral(value: unknown, option: string, example: string): string {
  if (typeof value !== 'string')
    throw new InvalidArgumentError(
      `"${option}" expected an IP address such as ${example}, got ${typeof value}`,
    )
  if (isIP(value) === 0)
    throw new InvalidArgumentError(
      `"${option}" expected an IP address such as ${example}, got "${value}" (host names are not accepted here)`,
    )
  return value
}

function checkHost(host: string, option: string): string {
  if (isIP(host) !== 0 || HOST_NAME.test(host)) return host
  throw new InvalidArgumentError(
    `"${option}": "${host}" is neither an IP address nor a host name; write HOST:PORT, e.g. 192.168.1.10:1783 or [fe80::1]:1783`,
  )
}

function portOf(text: string | undefined, options: ParseAddressOptions): number {
  if (text === undefined) return options.defaultPort
  if (!/^\d{1,5}$/.test(text))
    throw new InvalidArgumentError(`"${options.option}": the port "${text}" is not a number 1–65535`)
  return checkPort(Number(text), options)
}

function checkPort(port: number, options: ParseAddressOptions): number {
  const min = options.allowPortZero === true ? 0 : 1
  if (!Number.isInteger(port) || port < min || port > 65535) {
    throw new InvalidArgumentError(
      `"${options.option}": the port ${String(port)} is not an integer ${min}–65535`,
    )
  }
  return port
}
