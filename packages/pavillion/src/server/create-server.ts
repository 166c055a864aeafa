import { DEFAULT_MULTICAST_GROUP, InvalidArgumentError, Server } from '@pavillion/core'
import type { KeyPair, PavillionCrypto } from '@pavillion/crypto'
import { ServerPubSub, statusProvider } from '@pavillion/pubsub'
import { RegistersServer } from '@pavillion/registers'
import { RpcServer } from '@pavillion/rpc'
import { type FileServiceOptions, serveFiles } from '@pavillion/rpc/files'
import { createUdpTransport, nodeRuntime } from '@pavillion/transport-node'
import { secretKeyOf } from '../keys.ts'
import { logServer } from '../log.ts'
import { tracedTransport } from '../packet-trace.ts'
import { sharedCrypto } from '../shared-crypto.ts'
import { advertiseServer } from './advertise-server.ts'
import { clientRegistryOf } from './client-registry-of.ts'
import { serveConfig } from './config-functions.ts'
import { PavillionServer } from './pavillion-server.ts'
import {
  DEFAULT_RESERVED,
  limitsOf,
  type PavillionServerOptions,
  planServerSockets,
} from './server-options.ts'

/**
 * Starts a Pavillion server with RPC and pub/sub attached: binds its sockets
 * (port 1783 on every interface by default; multicast only when asked, with
 * an explicit interface), announces itself in multicast mode, and serves the
 * reserved functions echo, what-is and descriptors.
 *
 * `options.signal` aborts the start (rejecting with its reason) and, once
 * started, closes the server.
 *
 * @example
 * ```ts
 * const server = await createServer({
 *   port: 1783,
 *   clients: { psk: { 'kitchen-sensor-1': process.env.KITCHEN_PSK! } },
 * })
 * server.rpc.handle(401, (args) => args)
 * ```
 * @throws InvalidArgumentError (as a rejection) for invalid options, saying what to give instead;
 *   the socket error (`EADDRINUSE`, …) when the port cannot be bound
 */
export async function createServer(options: PavillionServerOptions = {}): Promise<PavillionServer> {
  const { signal } = options
  signal?.throwIfAborted()
  const sockets = planServerSockets(options)
  const limits = limitsOf(options)
  const { registry, hasEcc } = clientRegistryOf(options.clients)
  const fileOptions = filesOf(options.files)
  const crypto = await sharedCrypto()
  const keyPair = keyPairOf(options, crypto)
  checkEccSetup(options, keyPair, hasEcc)
  const udp = await createUdpTransport(sockets.transport)
  if (signal?.aborted) {
    await udp.close()
    throw signal.reason
  }
  const address = udp.listenAddress()
  const announce = sockets.announce && {
    address: sockets.announce.address,
    port: sockets.announce.port ?? address.port,
  }
  const runtime = nodeRuntime()
  const core = new Server({
    crypto,
    runtime,
    transport: options.debug === undefined ? udp : tracedTransport(udp, options.debug),
    clients: registry,
    ...(keyPair === undefined ? {} : { keyPair }),
    ...(options.allowGuests === undefined ? {} : { allowGuests: options.allowGuests }),
    ...(announce === undefined ? {} : { announce }),
    ...(options.status === undefined ? {} : { status: statusProvider(options.status) }),
    ...(limits === undefined ? {} : { limits }),
    ...(options.sessionTimeout === undefined ? {} : { sessionTimeout: options.sessionTimeout }),
  })
  let stopFiles = () => {}
  let advertisement: Awaited<ReturnType<typeof advertiseServer>>
  try {
    const rpc = new RpcServer(core, options.rpc)
    rpc.enableReserved(options.reserved ?? DEFAULT_RESERVED)
    const pubsub = new ServerPubSub(core, { ...options.pubsub, broker: options.broker === true })
    const registers = new RegistersServer(core, { runtime, ...options.registers })
    if (options.config === true) serveConfig(rpc, registers)
    if (fileOptions !== undefined) stopFiles = await serveFiles(rpc, fileOptions)
    advertisement = await advertiseServer(options.advertise, {
      port: address.port,
      bind: address.address,
      keyPair,
      group:
        options.multicast === undefined ? undefined : (options.multicast.group ?? DEFAULT_MULTICAST_GROUP),
    })
    signal?.throwIfAborted()
    const server = new PavillionServer({
      core,
      rpc,
      pubsub,
      registers,
      address,
      sendAddress: udp.localAddress(),
      cleanup: async () => {
        stopFiles()
        await advertisement?.close()
      },
      advertisement,
    })
    if (options.log !== undefined) logServer(server, options.log)
    if (signal !== undefined) {
      const close = () => void server.close()
      signal.addEventListener('abort', close, { once: true })
      server.signal.addEventListener('abort', () => signal.removeEventListener('abort', close), {
        once: true,
      })
    }
    return server
  } catch (error) {
    stopFiles()
    await advertisement?.close()
    await core.close()
    throw error
  }
}

function filesOf(files: PavillionServerOptions['files']): FileServiceOptions | undefined {
  if (files === undefined) return undefined
  if (typeof files === 'string') return { root: files }
  if (typeof files !== 'object' || files === null || typeof files.root !== 'string') {
    throw new InvalidArgumentError('"files" expected a directory path or { root, readOnly?, maxFileSize? }')
  }
  return files
}

function keyPairOf(options: PavillionServerOptions, crypto: PavillionCrypto): KeyPair | undefined {
  if (options.keyPair !== undefined && options.secretKey !== undefined) {
    throw new InvalidArgumentError('give the server\'s "keyPair" or its "secretKey", not both')
  }
  if (options.keyPair !== undefined) return options.keyPair
  if (options.secretKey === undefined) return undefined
  return crypto.keyPairFromSecretKey(secretKeyOf(options.secretKey, 'secretKey'))
}

function checkEccSetup(
  options: PavillionServerOptions,
  keyPair: KeyPair | undefined,
  listsEcc: boolean,
): void {
  if (keyPair !== undefined) return
  if (options.allowGuests === true) {
    throw new InvalidArgumentError(
      '"allowGuests" needs the server\'s own key: give "secretKey" (see `pavillion keygen ecc`) or "keyPair"',
    )
  }
  if (listsEcc) {
    throw new InvalidArgumentError(
      '"clients.ecc" needs the server\'s own key: give "secretKey" (see `pavillion keygen ecc`) or "keyPair"',
    )
  }
}
