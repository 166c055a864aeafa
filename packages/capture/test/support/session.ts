import { createSocket } from 'node:dgram'
import { createClient, createServer, exportKey, generateKeyPair, generatePsk } from 'pavillion'

export const PSK_CLIENT = 'capture-client01'
export const ECC_CLIENT = 'capture-ecc-0001'
/**
 * The loopback address these sessions use (server and client alike), so that a capture can be
 * filtered to them: other tests running at the same time use 127.0.0.1.
 */
export const HOST = '127.0.0.7'

/** Sends `count` datagrams that are not Pavillion (a DNS-looking query) to a closed loopback port. */
export async function sendForeignUdp(count: number): Promise<void> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve))
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(Uint8Array.of(0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0), 6353, HOST, (e) =>
        e ? reject(e) : resolve(),
      ),
    )
  }
  socket.close()
}

/**
 * A real PSK session over loopback UDP: handshake, an RPC call, a reliable
 * publish each way, then the client closes (quit). Returns the PSK (hex) and the server port.
 */
export async function pskSession(): Promise<{ psk: string; port: number }> {
  const psk = await generatePsk()
  const server = await createServer({
    bind: HOST,
    port: 0,
    announce: false,
    clients: { psk: { [PSK_CLIENT]: psk } },
  })
  try {
    server.rpc.handle(401, (args) => args.slice().reverse(), { name: 'reverse' })
    const heard = new Promise<void>((resolve) => server.subscribe('lights', () => resolve()))
    const client = await createClient({
      address: `${HOST}:${server.address.port}`,
      bind: HOST,
      clientId: PSK_CLIENT,
      psk,
    })
    try {
      const pushed = new Promise<void>((resolve) => client.subscribe('alarms', () => resolve()))
      await client.call(401, 'stressed', { timeout: 5000 })
      await client.publish('lights', 'kitchen', 'on')
      await heard
      await server.publish('alarms', 'door', 'open')
      await pushed
    } finally {
      await client.close()
    }
    return { psk: exportKey(psk), port: server.address.port }
  } finally {
    await server.close()
  }
}

/** A real ECC session over loopback UDP: handshake, an RPC call, then close. Returns the server's secret key (hex). */
export async function eccSession(): Promise<{ serverSecret: string; clientSecret: string }> {
  const serverKeys = await generateKeyPair()
  const clientKeys = await generateKeyPair()
  const server = await createServer({
    bind: HOST,
    port: 0,
    announce: false,
    secretKey: serverKeys.secretKey,
    clients: { ecc: { [ECC_CLIENT]: clientKeys.publicKey } },
  })
  try {
    server.rpc.handle(402, (args) => args, { name: 'echo' })
    const client = await createClient({
      address: `${HOST}:${server.address.port}`,
      bind: HOST,
      clientId: ECC_CLIENT,
      secretKey: clientKeys.secretKey,
      serverKey: serverKeys.publicKey,
    })
    try {
      await client.call(402, 'ecc over loopback', { timeout: 5000 })
    } finally {
      await client.close()
    }
  } finally {
    await server.close()
  }
  return { serverSecret: exportKey(serverKeys.secretKey), clientSecret: exportKey(clientKeys.secretKey) }
}
