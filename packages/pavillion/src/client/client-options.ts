import type { AbortOptions, ClientLimits, ClientTiming } from '@pavillion/core'
import type { PresharedKey, SecretKey } from '@pavillion/crypto'
import type { ClientPubSubOptions } from '@pavillion/pubsub'
import type { AddressInput } from '../address.ts'
import type { KeyInput } from '../keys.ts'
import type { LogOption } from '../log.ts'
import type { PacketTracer } from '../packet-trace.ts'
import type { ClientDiscoveryOptions, ServerSelector } from './discovered-server.ts'

/** Options of {@link createClient}. Bad values reject with InvalidArgumentError saying what to give. */
export interface PavillionClientOptions extends AbortOptions {
  /**
   * Required: where the server is — `'HOST:PORT'`, `'[IPv6]:PORT'`, `'HOST'`
   * (port 1783), `{ address, port }` — or a multicast group reaching several
   * servers (then `multicastInterface` is required). Host names are resolved once; `.local` names
   * through mDNS (then `discovery` is required). Give `server` instead to find it by discovery.
   */
  readonly address?: AddressInput
  /**
   * Instead of `address`: find the server by discovery (mDNS, `_pavillion._udp`) by its advertised
   * name or its public key (`{ publicKey }` also sets `serverKey`). The record only says where to
   * try: the handshake verifies the server, and the client follows it when it moves (`server:moved`).
   */
  readonly server?: ServerSelector
  /** Where discovery looks (required with `server` or a `.local` address): `{ interfaces, timeout? }`. */
  readonly discovery?: ClientDiscoveryOptions
  /** This client's ID: 32 hex characters, or text of exactly 16 UTF-8 bytes. Required with `psk`. */
  readonly clientId?: string | Uint8Array
  /** The pre-shared key (PSK suite): 64 hex characters, base64, 32 bytes or a `PresharedKey`. */
  readonly psk?: KeyInput | PresharedKey
  /** This client's X25519 secret key (ECC suite); needs `serverKey`. Without `clientId`, the ID derives from the public key. */
  readonly secretKey?: KeyInput | SecretKey
  /** The server's X25519 public key (ECC suite): the protocol has no in-band way to learn it. */
  readonly serverKey?: KeyInput
  /** Local address to send from: `'ADDR'` or `'ADDR:PORT'`. Default: every interface, an OS-chosen port. */
  readonly bind?: AddressInput
  /**
   * The IP address of the interface group datagrams leave through, e.g.
   * `'192.168.1.10'` (`'127.0.0.1'`: this host only). Required when `address`
   * is a multicast group; Pavillion never lets the OS pick one.
   */
  readonly multicastInterface?: string
  /**
   * Listen for servers' start-up announcements (opcode 5, PROTOCOL.md §2.4) and re-handshake at once
   * when a server restarts. Multicast mode: on (group, port) through `multicastInterface`, on by
   * default (`false` turns it off). Otherwise off unless given `{ interface }`: then on
   * 224.0.0.251:2221, joined through that interface (announcements from the server's host only).
   */
  readonly announce?: boolean | { readonly interface: string }
  /** Default timeout of `call` and the RPC helpers, ms. Default 5000. */
  readonly timeout?: number
  /** Options of the pub/sub object (bounds, subscriber expiry). */
  readonly pubsub?: ClientPubSubOptions
  /** Engine bounds (servers tracked, queued packets, sends in flight). */
  readonly limits?: Partial<ClientLimits>
  /** Engine timers (keepalive, disconnect detection, handshake retries). */
  readonly timing?: Partial<ClientTiming>
  /** Called for every datagram in and out (size, counter, kind; never key material). */
  readonly debug?: PacketTracer
  /**
   * A logger for what people operating it want to read (sessions or servers coming and going,
   * rejections, security warnings, non-fatal errors), at `info` and above unless `{ logger, level }`.
   */
  readonly log?: LogOption
}
