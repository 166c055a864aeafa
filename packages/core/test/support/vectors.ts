import { loadCrypto, type PavillionCrypto, parsePsk, type RandomSource, scriptedRandom } from '@pavillion/crypto'
import { type DatagramRecord, hex, loadVectors, u64 } from '@pavillion/test-vectors'
import { ClientEndpoint } from '../../src/client/client-endpoint.ts'
import { MemoryClientRegistry } from '../../src/server/client-registry.ts'
import { ServerEndpoint } from '../../src/server/server-endpoint.ts'
import type { PeerAddress } from '../../src/transport.ts'

/** The simulated addresses of the recordings, as real-looking peers. */
export const CLIENT_ADDRESS: PeerAddress = { address: '127.0.0.2', port: 40002 }
export const SERVER_ADDRESS: PeerAddress = { address: '127.0.0.1', port: 1783 }

/** A crypto whose randomness replays `draws` in order (and fails loudly past them). */
export async function scriptedCrypto(draws: Uint8Array[]): Promise<PavillionCrypto> {
  return loadCrypto({ random: scriptedRandom(draws) as RandomSource })
}

/** The recorded datagrams of one file (or sub-run), in send order. */
export function datagramsOf(doc: { datagrams?: DatagramRecord[] }): DatagramRecord[] {
  return doc.datagrams ?? []
}

/** A PSK server and client set up exactly as in psk_handshake.json (or its `reconnect`/`race` run). */
export async function pskPair(file = loadVectors('psk_handshake')) {
  const psk = parsePsk(file.psk as string)
  const clientId = hex(file.client_id as string)
  const server = new ServerEndpoint({
    crypto: await scriptedCrypto([hex(file.server.nonce as string), hex(file.server.nonce_after_setup as string)]),
    clients: new MemoryClientRegistry().addPsk(clientId, psk),
    sendCounterStart: () => u64(file.server.session_send_counter_initial as string),
  })
  const client = new ClientEndpoint({
    crypto: await scriptedCrypto([]),
    destination: SERVER_ADDRESS,
    credentials: { type: 'psk', clientId, psk },
    timing: { keepaliveInterval: 0 },
    fixed: {
      initialCounter: u64(file.client_counter_initial as string),
      challenge: hex(file.client.challenge as string),
      sessionField: hex(file.client.nonce_request_session_id as string),
      clientNonce: hex(file.client.nonce as string),
    },
  })
  return { server, client, psk, clientId }
}

/** Every datagram an endpoint has queued, as hex. */
export function drainHex(endpoint: { pollTransmit(): { bytes: Uint8Array } | undefined }): string[] {
  const out: string[] = []
  for (let t = endpoint.pollTransmit(); t !== undefined; t = endpoint.pollTransmit()) out.push(Buffer.from(t.bytes).toString('hex'))
  return out
}

/** Every event an endpoint has queued. */
export function drainEvents<E>(endpoint: { pollEvent(): E | undefined }): E[] {
  const out: E[] = []
  for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) out.push(e)
  return out
}
