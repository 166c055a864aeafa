import { ANNOUNCE_ADDRESS, Client, DEFAULT_PORT, InvalidArgumentError, isMulticast } from '@pavillion/core'
import { isLocalName, RedirectTransport, resolveLocalName } from '@pavillion/discovery'
import { ClientPubSub } from '@pavillion/pubsub'
import { RegistersClient } from '@pavillion/registers'
import { RpcClient } from '@pavillion/rpc'
import { createUdpTransport, nodeRuntime, type UdpTransportOptions } from '@pavillion/transport-node'
import { checkIpLiteral, parseAddress, resolveAddress } from '../address.ts'
import { logClient } from '../log.ts'
import { tracedTransport } from '../packet-trace.ts'
import { sharedCrypto } from '../shared-crypto.ts'
import type { PavillionClientOptions } from './client-options.ts'
import { credentialsOf } from './credentials-of.ts'
import { type FoundServer, findServer, type ServerFollower, verifyAndFollow } from './discovered-server.ts'
import { PavillionClient } from './pavillion-client.ts'

/**
 * Creates a Pavillion client with RPC and pub/sub attached. It binds its
 * socket and starts the handshake at once; it does not wait for a server
 * (use `waitForServer()`, or just call: calls wait for the handshake within
 * their timeout).
 *
 * `options.signal` aborts the creation (rejecting with its reason) and, once
 * created, closes the client.
 *
 * @example
 * ```ts
 * await using client = await createClient({
 *   address: '192.168.1.10:1783',
 *   clientId: 'kitchen-sensor-1',
 *   psk: process.env.PAVILLION_PSK!,
 * })
 * console.log(new TextDecoder().decode(await client.call(401, 'hi')))
 * ```
 * @throws InvalidArgumentError (as a rejection) for invalid options, saying what to give instead
 */
export async function createClient(options: PavillionClientOptions): Promise<PavillionClient> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(
      'createClient expected options: { address, clientId, psk } or { address, secretKey, serverKey }',
    )
  }
  const { signal } = options
  signal?.throwIfAborted()
  if ((options.address === undefined) === (options.server === undefined)) {
    throw new InvalidArgumentError(
      '"address" is required: the server as HOST:PORT (e.g. 192.168.1.10:1783) or a multicast group — or, instead, "server": { name } or { publicKey } to find it by discovery',
    )
  }
  const crypto = await sharedCrypto()
  const selector = options.server
  const credentials = credentialsOf(
    selector !== undefined && 'publicKey' in selector && options.serverKey === undefined
      ? { ...options, serverKey: selector.publicKey }
      : options,
    crypto,
  )
  let found: FoundServer | undefined
  if (selector !== undefined) {
    const family = options.bind !== undefined && String(options.bind).includes(':') ? 6 : 4
    found = await findServer(selector, options.discovery, family, signal)
  }
  const destination = found?.candidates[0] ?? (await destinationOf(options))
  let udp: Awaited<ReturnType<typeof createUdpTransport>>
  try {
    const transportOptions = clientTransportOptions(options, destination)
    signal?.throwIfAborted()
    udp = await createUdpTransport(transportOptions)
  } catch (error) {
    await found?.browser.close()
    throw error
  }
  if (signal?.aborted) {
    await udp.close()
    await found?.browser.close()
    throw signal.reason
  }
  const runtime = nodeRuntime()
  const redirect = found === undefined ? undefined : new RedirectTransport(udp, destination)
  const transport = redirect ?? udp
  const core = new Client({
    crypto,
    runtime,
    transport: options.debug === undefined ? transport : tracedTransport(transport, options.debug),
    destination,
    credentials,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
  })
  let follower: ServerFollower | undefined
  try {
    const rpc = new RpcClient(core, options.timeout === undefined ? {} : { timeout: options.timeout })
    const pubsub = new ClientPubSub(core, options.pubsub)
    const registers = new RegistersClient(core, {
      runtime,
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    })
    if (found !== undefined && redirect !== undefined)
      follower = await verifyAndFollow(core, redirect, found, options.discovery?.verifyTimeout ?? 3_000)
    const client = new PavillionClient({
      core,
      rpc,
      pubsub,
      registers,
      destination,
      ...(follower && { follower }),
    })
    if (options.log !== undefined) logClient(client, options.log)
    if (signal !== undefined) {
      const close = () => void client.close()
      signal.addEventListener('abort', close, { once: true })
      client.signal.addEventListener('abort', () => signal.removeEventListener('abort', close), {
        once: true,
      })
    }
    return client
  } catch (error) {
    await core.close()
    await found?.browser.close()
    throw error
  }
}

/** The address option resolved: `.local` names through mDNS on `discovery.interfaces`, others through the OS. */
async function destinationOf(options: PavillionClientOptions) {
  const address = options.address ?? ''
  const { host, port } = parseAddress(address, { option: 'address', defaultPort: DEFAULT_PORT })
  if (!isLocalName(host)) return resolveAddress(address, { option: 'address', defaultPort: DEFAULT_PORT })
  if (options.discovery === undefined) {
    throw new InvalidArgumentError(
      `"address": ${host} is a .local name, resolved through mDNS: give "discovery": { interfaces: ['192.168.1.20'] } to say where to ask`,
    )
  }
  const [first] = await resolveLocalName(host, {
    interfaces: options.discovery.interfaces,
    timeoutMs: options.discovery.timeout ?? 2_000,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
  return { address: first ?? host, port }
}

function clientTransportOptions(
  options: PavillionClientOptions,
  destination: { readonly address: string; readonly port: number },
): UdpTransportOptions {
  const family = destination.address.includes(':') ? 'udp6' : 'udp4'
  const group = isMulticast(destination.address)
  const { multicastInterface } = options
  if (group && multicastInterface === undefined) {
    throw new InvalidArgumentError(
      `"multicastInterface" is required when "address" is a multicast group (${destination.address}): give the IP address of the interface to send through, e.g. '192.168.1.10' (or '127.0.0.1' to stay on this host); Pavillion never lets the OS pick one`,
    )
  }
  const iface =
    multicastInterface === undefined
      ? undefined
      : checkIpLiteral(multicastInterface, 'multicastInterface', "'192.168.1.10'")
  const bind =
    options.bind === undefined
      ? undefined
      : parseAddress(options.bind, { option: 'bind', defaultPort: 0, allowPortZero: true })
  if (bind !== undefined) checkIpLiteral(bind.host, 'bind', "'0.0.0.0' or '192.168.1.20'")
  const announce = announceListener(options.announce, destination, iface)
  return {
    family,
    ...(bind === undefined ? {} : { bind: { address: bind.host, port: bind.port } }),
    ...(iface === undefined ? {} : { multicast: { interface: iface } }),
    ...(announce === undefined ? {} : { announce }),
  }
}

/** Where the client hears start-up announcements (PROTOCOL.md §2.4), from the `announce` option. */
function announceListener(
  option: PavillionClientOptions['announce'],
  destination: { readonly address: string; readonly port: number },
  multicastInterface: string | undefined,
): UdpTransportOptions['announce'] {
  if (multicastInterface !== undefined && isMulticast(destination.address)) {
    if (typeof option === 'object' && option !== null) {
      throw new InvalidArgumentError(
        '"announce": in multicast mode the client hears announcements on its group through "multicastInterface"; give true or false',
      )
    }
    if (option === false) return undefined
    return { group: destination.address, port: destination.port, interface: multicastInterface }
  }
  if (option === undefined || option === false) return undefined
  if (typeof option !== 'object' || option === null) {
    throw new InvalidArgumentError(
      '"announce": without multicast a client hears announcements on 224.0.0.251:2221, which needs an interface: give announce: { interface: \'192.168.1.20\' }',
    )
  }
  const via = checkIpLiteral(option.interface, 'announce.interface', "'192.168.1.20'")
  return { group: ANNOUNCE_ADDRESS.address, port: ANNOUNCE_ADDRESS.port, interface: via }
}
