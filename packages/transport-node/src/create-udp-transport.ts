import type { Socket } from 'node:dgram'
import { bindSocket, closeSocket, type SocketSpec } from './bind-socket.ts'
import { DgramTransport } from './dgram-transport.ts'
import { ErrorSink } from './error-sink.ts'
import { wildcardAddress } from './ip-address.ts'
import { setUpMulticast } from './multicast-setup.ts'
import { resolveOptions } from './resolve-options.ts'
import type { UdpTransport } from './udp-transport.ts'
import type { UdpTransportOptions } from './udp-transport-options.ts'

/**
 * Opens a UDP transport: binds its sockets, applies the multicast options
 * and resolves once it can send and receive.
 *
 * @throws InvalidArgumentError (synchronously, as a rejected promise) for bad options.
 * @throws the socket error (e.g. EADDRINUSE) when a socket cannot be bound; nothing stays open.
 */
export async function createUdpTransport(options: UdpTransportOptions = {}): Promise<UdpTransport> {
  const resolved = resolveOptions(options)
  const errors = new ErrorSink()
  const spec: SocketSpec = {
    family: resolved.family,
    address: resolved.address,
    port: resolved.port,
    reuseAddress: resolved.reuseAddress,
    receiveBufferSize: resolved.receiveBufferSize,
    sendBufferSize: resolved.separateSendSocket ? undefined : resolved.sendBufferSize,
  }
  const opened: Socket[] = []
  const open = async (socketSpec: SocketSpec): Promise<Socket> => {
    const socket = await bindSocket(socketSpec, errors.report)
    opened.push(socket)
    return socket
  }
  try {
    const listen = await open(spec)
    const send = resolved.separateSendSocket
      ? await open({ ...spec, port: 0, reuseAddress: false, sendBufferSize: resolved.sendBufferSize })
      : listen
    const announce =
      resolved.announce === undefined
        ? undefined
        : await open({
            ...spec,
            address: announceBindAddress(resolved.announce.group, resolved.family),
            port: resolved.announce.port,
            reuseAddress: true,
            sendBufferSize: undefined,
          })
    if (resolved.broadcast) send.setBroadcast(true)
    const sockets = { listen, send, announce }
    const multicast =
      resolved.multicast === undefined && resolved.announce === undefined
        ? undefined
        : setUpMulticast(sockets, resolved.multicast, resolved.announce, errors.report)
    return new DgramTransport({ sockets, multicast, errors })
  } catch (error) {
    errors.close()
    await Promise.all(opened.map(closeSocket))
    throw error
  }
}

/**
 * Where the announce listener binds: the group itself, so that it receives only group datagrams and
 * never takes the unicast datagrams of a server sharing its port (with `SO_REUSEADDR`, Linux hands
 * those to one socket only). Windows cannot bind to a group: there, every interface.
 */
function announceBindAddress(group: string, family: 'udp4' | 'udp6'): string {
  return process.platform === 'win32' ? wildcardAddress(family) : group
}
