import { createSocket } from 'node:dgram'
import { createClient, createServer, exportKey, generateKeyPair, generatePsk } from 'pavillion'

export const PSK_CLIENT = 'capture-client01'
export const ECC_CLIENT = 'capture-ecc-0001'
/**
 * The loopback address each test file's sessions use (server and client alike), so that its capture
 * holds only its own sessions: the test files run at the same time, and other packages' tests use
 * 127.0.0.x addresses of their own.
 */
export const HOSTS = { tcpdump: '127.77.0.1', dissector: '127.77.0.2' } as const

/** Sends `count` datagrams that are not Pavillion (a DNS-looking query) to a closed port of `host`. */
export async function sendForeignUdp(host: string, count: number): Promise<void> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, host, resolve))
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(Uint8Array.of(0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0), 6353, host, (e) =>
        e ? reject(e) : resolve(),
      ),
    )
  }
  socket.close()
}

/**
 * A real PSK session over loopback UDP on `host`: handshake, an RPC call, a reliable
 * publish each way, then the client closes (quit). Returns the PSK (hex) and the server port.
 */
export async function pskSession(host: string): Promise<{ psk: string; port: number }> {
  const psk = await generatePsk()
  const server = await createServer({
    bind: host,
    port: 0,
    announce: false,
    clients: { psk: { [PSK_CLIENT]: psk } },
  })
  try {
    server.rpc.handle(401, (args) => args.slice().reverse(), { name: 'reverse' })
    const heard = new Promise<void>((resolve) => server.subscribe('lights', () => resolve()))
    const client = await createClient({
      address: `${host}:${server.address.port}`,
      bind: host,
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

/** What an ECC session leaves: the secret keys (hex), and how many datagrams server and client sent between them. */
export interface EccSession {
  readonly serverSecret: string
  readonly clientSecret: string
  readonly datagrams: number
}

/** A real ECC session over loopback UDP on `host`: handshake, an RPC call, then close. */
export async function eccSession(host: string): Promise<EccSession> {
  const serverKeys = await generateKeyPair()
  const clientKeys = await generateKeyPair()
  let sentByClient = 0
  const server = await createServer({
    bind: host,
    port: 0,
    announce: false,
    secretKey: serverKeys.secretKey,
    clients: { ecc: { [ECC_CLIENT]: clientKeys.publicKey } },
  })
  try {
    server.rpc.handle(402, (args) => args, { name: 'echo' })
    const client = await createClient({
      address: `${host}:${server.address.port}`,
      bind: host,
      clientId: ECC_CLIENT,
      secretKey: clientKeys.secretKey,
      serverKey: serverKeys.publicKey,
    })
    try {
      await client.call(402, 'ecc over loopback', { timeout: 5000 })
    } finally {
      await client.close()
    }
    sentByClient = client.stats().engine.datagramsOut
  } finally {
    await server.close()
  }
  return {
    serverSecret: exportKey(serverKeys.secretKey),
    clientSecret: exportKey(clientKeys.secretKey),
    datagrams: sentByClient + server.stats().engine.datagramsOut,
  }
}
