import { Client, DEFAULT_PORT, isMulticast } from '@pavillion/core'
import { ClientPubSub } from '@pavillion/pubsub'
import { RpcClient } from '@pavillion/rpc'
import { createUdpTransport, nodeRuntime, type UdpTransportOptions } from '@pavillion/transport-node'
import { checkIpLiteral, parseAddress, resolveAddress } from '../address.ts'
import { logClient } from '../log.ts'
import { tracedTransport } from '../packet-trace.ts'
import { sharedCrypto } from '../shared-crypto.ts'
import type { PavillionClientOptions } from './client-options.ts'
import { credentialsOf } from './credentials-of.ts'
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
 * @throws TypeError / RangeError (as a rejection) for invalid options, saying what to give instead
 */
export async function createClient(options: PavillionClientOptions): Promise<PavillionClient> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'createClient expected options: { address, clientId, psk } or { address, secretKey, serverKey }',
    )
  }
  const { signal } = options
  signal?.throwIfAborted()
  if (options.address === undefined) {
    throw new TypeError(
      '"address" is required: the server as HOST:PORT (e.g. 192.168.1.10:1783) or a multicast group',
    )
  }
  const crypto = await sharedCrypto()
  const credentials = credentialsOf(options, crypto)
  const destination = await resolveAddress(options.address, { option: 'address', defaultPort: DEFAULT_PORT })
  const transportOptions = clientTransportOptions(options, destination.address)
  signal?.throwIfAborted()
  const udp = await createUdpTransport(transportOptions)
  if (signal?.aborted) {
    await udp.close()
    throw signal.reason
  }
  const core = new Client({
    crypto,
    runtime: nodeRuntime(),
    transport: options.debug === undefined ? udp : tracedTransport(udp, options.debug),
    destination,
    credentials,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.timing === undefined ? {} : { timing: options.timing }),
  })
  try {
    const rpc = new RpcClient(core, options.timeout === undefined ? {} : { timeout: options.timeout })
    const pubsub = new ClientPubSub(core, options.pubsub)
    const client = new PavillionClient({ core, rpc, pubsub, destination })
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
    throw error
  }
}

function clientTransportOptions(options: PavillionClientOptions, destination: string): UdpTransportOptions {
  const family = destination.includes(':') ? 'udp6' : 'udp4'
  const group = isMulticast(destination)
  const { multicastInterface } = options
  if (group && multicastInterface === undefined) {
    throw new TypeError(
      `"multicastInterface" is required when "address" is a multicast group (${destination}): give the IP address of the interface to send through, e.g. '192.168.1.10' (or '127.0.0.1' to stay on this host); Pavillion never lets the OS pick one`,
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
  return {
    family,
    ...(bind === undefined ? {} : { bind: { address: bind.host, port: bind.port } }),
    ...(iface === undefined ? {} : { multicast: { interface: iface } }),
  }
}
