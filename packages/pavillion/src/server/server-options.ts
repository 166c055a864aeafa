import {
  type AbortOptions,
  ANNOUNCE_ADDRESS,
  type ClientRegistry,
  DEFAULT_MULTICAST_GROUP,
  DEFAULT_PORT,
  InvalidArgumentError,
  isMulticast,
  type ServerLimits,
  serverLimitsOf,
} from '@pavillion/core'
import type { KeyPair, PresharedKey, SecretKey } from '@pavillion/crypto'
import type { ServerPubSubOptions } from '@pavillion/pubsub'
import type { RegistersServerOptions } from '@pavillion/registers'
import type { ReservedOptions, RpcServerOptions } from '@pavillion/rpc'
import type { FileServiceOptions } from '@pavillion/rpc/files'
import type { UdpTransportOptions } from '@pavillion/transport-node'
import type { StatusInput } from '@pavillion/wire'
import { checkIpLiteral } from '../address.ts'
import type { KeyInput } from '../keys.ts'
import type { LogOption } from '../log.ts'
import type { PacketTracer } from '../packet-trace.ts'
import type { ServerAdvertiseOptions } from './advertise-server.ts'

/** The clients a server knows, by client ID (32 hex characters, or text of exactly 16 UTF-8 bytes). */
export interface ServerClients {
  /** PSK clients: client ID → pre-shared key. */
  readonly psk?: Readonly<Record<string, KeyInput | PresharedKey>>
  /** ECC clients: client ID → X25519 public key (the server then needs `secretKey` or `keyPair`). */
  readonly ecc?: Readonly<Record<string, KeyInput>>
}

/** Multicast mode of a server: it joins `group` on `interface` and announces itself there. */
export interface ServerMulticastOptions {
  /** The group to join. Default 239.255.28.12 (PROTOCOL.md §2.2). */
  readonly group?: string
  /**
   * Required: the IP address of the interface that joins the group and sends
   * group datagrams (e.g. `192.168.1.10`, or `127.0.0.1` to stay on this
   * host). Pavillion never lets the OS pick one.
   */
  readonly interface: string
  /** Hop limit of group datagrams. Default: the OS default (1, this link only). */
  readonly ttl?: number
  /** Deliver group datagrams to sockets of this host too. Default true. */
  readonly loopback?: boolean
}

/** Options of {@link createServer}. Everything is optional; bad values reject with InvalidArgumentError. */
export interface PavillionServerOptions extends AbortOptions {
  /** UDP port to listen on. Default 1783; 0 lets the OS choose (read it from `server.address`). */
  readonly port?: number
  /** IP address to listen on. Default `0.0.0.0` (every IPv4 interface); `::` for IPv6. */
  readonly bind?: string
  /** Join a multicast group (several servers behind one address). Off by default. */
  readonly multicast?: ServerMulticastOptions
  /** Share the port with other sockets (`SO_REUSEADDR`). Default: true in multicast mode, false otherwise. */
  readonly reuseAddress?: boolean
  /**
   * Start-up announcement (PROTOCOL.md §2.6). Multicast mode: to (group, port), on by default (`false`
   * turns it off). Otherwise off unless given `{ interface }`: then to 224.0.0.251:2221 through that interface.
   */
  readonly announce?: boolean | { readonly interface: string }
  /**
   * Advertise over mDNS (DNS-SD `_pavillion._udp`) so clients find the server by name: a name, or
   * `{ name, interfaces }`. Off by default; a server bound to loopback only advertises only when
   * `interfaces` is given (tests give `['127.0.0.1']`).
   */
  readonly advertise?: false | string | ServerAdvertiseOptions
  /** Who may connect: client IDs with their keys, or your own `ClientRegistry`. Default: nobody (but guests). */
  readonly clients?: ServerClients | ClientRegistry
  /** The server's X25519 key pair (for ECC clients and guests). Or give `secretKey`. */
  readonly keyPair?: KeyPair
  /** The server's X25519 secret key; the public key is derived. Or give `keyPair`. */
  readonly secretKey?: KeyInput | SecretKey
  /** Accept ECC clients whose public key is not in `clients` (needs a key pair). Default false. */
  readonly allowGuests?: boolean
  /** Re-publish every client's messages to the other clients (PROTOCOL.md §10.4). Default false. */
  readonly broker?: boolean
  /** Status values appended to every acknowledgement (PROTOCOL.md §11); called per ack, keep it cheap. */
  readonly status?: () => StatusInput | undefined
  /** Reserved RPC functions served. Default `{ echo: true, whatIs: true, descriptors: true }`; `{}` for none. */
  readonly reserved?: ReservedOptions
  /** Serve the file functions (10–14) from this directory (or with these options). Off by default. */
  readonly files?: string | FileServiceOptions
  /** Options of the RPC server (response cache, `debug` stack traces). */
  readonly rpc?: RpcServerOptions
  /** Options of the pub/sub object (bounds); `broker` is the option above. */
  readonly pubsub?: Omit<ServerPubSubOptions, 'broker'>
  /** Serve getConfig (24) and setConfig (25) over the registers (key = register name). Default false. */
  readonly config?: boolean
  /** Bounds of the registers layer (registers, observers per register and per session, shortest observation). */
  readonly registers?: Omit<RegistersServerOptions, 'runtime'>
  /**
   * Engine bounds: sessions (`maxGuestSessions`, default a quarter of `maxSessions`), pending
   * handshakes, sends in flight, and the rate limits of replies to unauthenticated datagrams
   * (`repliesPerSource`, `repliesPerSecond`, `x25519Cost`, `knownFor`); see docs/LIMITS.md.
   */
  readonly limits?: Partial<ServerLimits>
  /**
   * Share of one core that X25519 work for datagrams that did not authenticate (ECC nonce requests
   * and client infos, from anyone) may take, in (0, 1]. Default 0.25. Same as `limits.handshakeCpuShare`.
   */
  readonly handshakeCpuShare?: number
  /** Close a client's session after this long without a packet, ms. Default 300 000. */
  readonly sessionTimeout?: number
  /** Called for every datagram in and out (size, counter, kind; never key material). */
  readonly debug?: PacketTracer
  /**
   * A logger for what people operating it want to read (sessions or servers coming and going,
   * rejections, security warnings, non-fatal errors), at `info` and above unless `{ logger, level }`.
   */
  readonly log?: LogOption
}

/**
 * The engine limits of validated options: `limits` with `handshakeCpuShare` folded in, checked
 * before any socket is bound.
 * @throws InvalidArgumentError naming the option; PavillionError `ERR_INVALID_ARGUMENT` for a
 *   rate, share or cost in `limits` that is not a positive number
 */
export function limitsOf(options: PavillionServerOptions): Partial<ServerLimits> | undefined {
  const share = options.handshakeCpuShare
  if (options.limits !== undefined) serverLimitsOf(options.limits)
  if (share === undefined) return options.limits
  if (typeof share !== 'number')
    throw new InvalidArgumentError(`"handshakeCpuShare" expected a number, got ${typeof share}`)
  if (!(share > 0 && share <= 1))
    throw new InvalidArgumentError(
      `"handshakeCpuShare" expected a share of one core in (0, 1], e.g. 0.25, got ${share}`,
    )
  if (options.limits?.handshakeCpuShare !== undefined)
    throw new InvalidArgumentError('give "handshakeCpuShare" or "limits.handshakeCpuShare", not both')
  return { ...options.limits, handshakeCpuShare: share }
}

/** Reserved functions a server answers unless told otherwise. */
export const DEFAULT_RESERVED: ReservedOptions = { echo: true, whatIs: true, descriptors: true }

/** Where the server binds and whether it announces, from validated options. */
export interface ServerSocketPlan {
  readonly transport: UdpTransportOptions
  /** Where to announce; no `port` means the port the server listens on (known once bound). */
  readonly announce: { readonly address: string; readonly port?: number } | undefined
}

/**
 * Validates the socket options of a server and plans its transport.
 * @throws InvalidArgumentError naming the option and what to give instead
 */
export function planServerSockets(options: PavillionServerOptions): ServerSocketPlan {
  const port = options.port ?? DEFAULT_PORT
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(
      `"port" expected an integer 0–65535 (0: chosen by the OS), got ${String(port)}`,
    )
  }
  const bind =
    options.bind === undefined
      ? undefined
      : checkIpLiteral(options.bind, 'bind', "'0.0.0.0' or '192.168.1.10'")
  const { multicast, announce } = options
  if (multicast === undefined) {
    if (announce === true) {
      throw new InvalidArgumentError(
        '"announce": without multicast a server announces to 224.0.0.251:2221, which needs an interface: give announce: { interface: \'192.168.1.10\' }',
      )
    }
    const announceInterface =
      typeof announce === 'object' && announce !== null ? announceInterfaceOf(announce) : undefined
    return {
      transport: {
        bind: { address: bind ?? '0.0.0.0', port },
        separateSendSocket: true,
        reuseAddress: options.reuseAddress ?? false,
        ...(announceInterface === undefined ? {} : { multicast: { interface: announceInterface } }),
      },
      announce: announceInterface === undefined ? undefined : ANNOUNCE_ADDRESS,
    }
  }
  if (typeof multicast !== 'object' || multicast === null) {
    throw new InvalidArgumentError('"multicast" expected { group?, interface }')
  }
  if (multicast.interface === undefined) {
    throw new InvalidArgumentError(
      "\"multicast.interface\" is required: give the IP address of the network interface that joins the group, e.g. '192.168.1.10' (or '127.0.0.1' to stay on this host); Pavillion never lets the OS pick one",
    )
  }
  const iface = checkIpLiteral(multicast.interface, 'multicast.interface', "'192.168.1.10'")
  const group = multicast.group ?? DEFAULT_MULTICAST_GROUP
  if (typeof group !== 'string' || !isMulticast(group)) {
    throw new InvalidArgumentError(
      `"multicast.group" expected a multicast address (224.0.0.0–239.255.255.255), got ${String(group)}`,
    )
  }
  if (typeof announce === 'object' && announce !== null) {
    throw new InvalidArgumentError(
      '"announce": in multicast mode the server announces to its group; give true or false',
    )
  }
  return {
    transport: {
      bind: { address: bind ?? '0.0.0.0', port },
      separateSendSocket: true,
      reuseAddress: options.reuseAddress ?? true,
      multicast: {
        group,
        interface: iface,
        ...(multicast.ttl === undefined ? {} : { ttl: multicast.ttl }),
        ...(multicast.loopback === undefined ? {} : { loopback: multicast.loopback }),
      },
    },
    announce: announce === false ? undefined : { address: group },
  }
}

function announceInterfaceOf(announce: { readonly interface: string }): string {
  return checkIpLiteral(announce.interface, 'announce.interface', "'192.168.1.10'")
}
