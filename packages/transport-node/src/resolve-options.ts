import { InvalidArgumentError } from '@pavillion/core'
import { ipVersion, isGroupAddress, type SocketFamily, wildcardAddress } from './ip-address.ts'
import type { AnnounceOptions, MulticastOptions, UdpTransportOptions } from './udp-transport-options.ts'

/** `UdpTransportOptions`, checked and with defaults filled in. */
export interface ResolvedOptions {
  readonly family: SocketFamily
  readonly address: string
  readonly port: number
  readonly reuseAddress: boolean
  readonly separateSendSocket: boolean
  readonly multicast: MulticastOptions | undefined
  readonly broadcast: boolean
  readonly announce: AnnounceOptions | undefined
  readonly receiveBufferSize: number | undefined
  readonly sendBufferSize: number | undefined
}

/**
 * Checks the options and fills in defaults.
 *
 * @throws InvalidArgumentError for a value of the wrong kind; InvalidArgumentError for a value out of range.
 */
export function resolveOptions(options: UdpTransportOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('createUdpTransport() takes an options object (or nothing)')
  }
  const family = resolveFamily(options)
  const version = family === 'udp4' ? 4 : 6
  const address = options.bind?.address ?? wildcardAddress(family)
  return {
    family,
    address,
    port: checkPort('bind.port', options.bind?.port ?? 0, 0),
    reuseAddress: checkBoolean('reuseAddress', options.reuseAddress),
    separateSendSocket: checkBoolean('separateSendSocket', options.separateSendSocket),
    multicast: options.multicast === undefined ? undefined : checkMulticast(options.multicast, version),
    broadcast: checkBoolean('broadcast', options.broadcast),
    announce: options.announce === undefined ? undefined : checkAnnounce(options.announce, version),
    receiveBufferSize: checkBufferSize('receiveBufferSize', options.receiveBufferSize),
    sendBufferSize: checkBufferSize('sendBufferSize', options.sendBufferSize),
  }
}

function resolveFamily(options: UdpTransportOptions): SocketFamily {
  const { family } = options
  if (family !== undefined && family !== 'udp4' && family !== 'udp6') {
    throw new InvalidArgumentError(`family must be 'udp4' or 'udp6' (got ${String(family)})`)
  }
  const address = options.bind?.address
  if (address === undefined) return family ?? 'udp4'
  const version = typeof address === 'string' ? ipVersion(address) : 0
  if (version === 0) {
    throw new InvalidArgumentError(
      `bind.address must be an IP literal such as '0.0.0.0', '127.0.0.1' or '::1' (got ${String(address)}); host names are not resolved`,
    )
  }
  const implied = version === 4 ? 'udp4' : 'udp6'
  if (family !== undefined && family !== implied) {
    throw new InvalidArgumentError(
      `bind.address ${address} is an IPv${version} address but family is '${family}'; drop one of them`,
    )
  }
  return implied
}

function checkMulticast(multicast: MulticastOptions, version: 4 | 6): MulticastOptions {
  checkInterface('multicast.interface', multicast.interface, version)
  if (multicast.group !== undefined) checkGroup('multicast.group', multicast.group, version)
  if (
    multicast.ttl !== undefined &&
    !(Number.isInteger(multicast.ttl) && multicast.ttl >= 0 && multicast.ttl <= 255)
  ) {
    throw new InvalidArgumentError(`multicast.ttl must be an integer from 0 to 255 (got ${multicast.ttl})`)
  }
  checkBoolean('multicast.loopback', multicast.loopback)
  return multicast
}

function checkAnnounce(announce: AnnounceOptions, version: 4 | 6): AnnounceOptions {
  checkGroup('announce.group', announce.group, version)
  checkPort('announce.port', announce.port, 1)
  checkInterface('announce.interface', announce.interface, version)
  return announce
}

function checkGroup(name: string, group: string, version: 4 | 6): void {
  if (typeof group !== 'string' || ipVersion(group) !== version || !isGroupAddress(group)) {
    throw new InvalidArgumentError(
      `${name} must be an IPv${version} multicast group such as ${version === 4 ? "'239.255.28.12'" : "'ff02::1:3'"} (got ${String(group)})`,
    )
  }
}

function checkInterface(name: string, address: string, version: 4 | 6): void {
  if (typeof address !== 'string' || ipVersion(address) !== version) {
    throw new InvalidArgumentError(
      `${name} is required: the IPv${version} address of the interface to use, such as ${version === 4 ? "'127.0.0.1' or '192.168.1.10'" : "'::%lo' or 'fe80::1%eth0'"} (got ${String(address)})`,
    )
  }
}

function checkPort(name: string, port: number, min: 0 | 1): number {
  if (!(Number.isInteger(port) && port >= min && port <= 65535)) {
    throw new InvalidArgumentError(`${name} must be an integer from ${min} to 65535 (got ${port})`)
  }
  return port
}

function checkBoolean(name: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${name} must be true or false (got ${String(value)})`)
  }
  return value ?? false
}

function checkBufferSize(name: string, size: number | undefined): number | undefined {
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
    throw new InvalidArgumentError(`${name} must be a positive integer number of bytes (got ${size})`)
  }
  return size
}
