import {
  loadCrypto,
  type PavillionCrypto,
  parsePsk,
  type RandomSource,
  SymmetricKey,
  scriptedRandom,
} from '@pavillion/crypto'
import { hex, loadVectors, u64 } from '@pavillion/test-vectors'
import { ClientEndpoint } from '../../src/client/client-endpoint.ts'
import { MemoryClientRegistry } from '../../src/server/client-registry.ts'
import { ServerEndpoint } from '../../src/server/server-endpoint.ts'
import type { PeerAddress } from '../../src/transport.ts'

/** The simulated addresses of the recordings, as real-looking peers. */
export const CLIENT_ADDRESS: PeerAddress = { address: '127.0.0.2', port: 40002 }
export const SERVER_ADDRESS: PeerAddress = { address: '127.0.0.1', port: 1783 }

/** A crypto whose randomness replays `draws` in order (and fails loudly past them). */
async function scriptedCrypto(draws: Uint8Array[]): Promise<PavillionCrypto> {
  return loadCrypto({ random: scriptedRandom(draws) as RandomSource })
}

/** The values that make a PSK run reproducible. */
export interface PskRunValues {
  readonly psk: string
  readonly clientId: string
  readonly serverNonces: string[]
  readonly sendCounterStart: bigint
  readonly clientCounter: bigint
  readonly challenge: string
  readonly sessionField: string
  readonly clientNonce: string
}

/** A PSK server and client set up with recorded values. */
export async function pskPairWith(v: PskRunValues, status?: () => Uint8Array | undefined) {
  const psk = parsePsk(v.psk)
  const clientId = hex(v.clientId)
  const server = new ServerEndpoint({
    crypto: await scriptedCrypto(v.serverNonces.map(hex)),
    clients: new MemoryClientRegistry().addPsk(clientId, psk),
    sendCounterStart: () => v.sendCounterStart,
    ...(status === undefined ? {} : { status }),
  })
  const client = new ClientEndpoint({
    crypto: await loadCrypto(), // every recorded value is fixed below; later rotations draw fresh ones
    destination: SERVER_ADDRESS,
    credentials: { type: 'psk', clientId, psk },
    timing: { keepaliveInterval: 0 },
    fixed: {
      initialCounter: v.clientCounter,
      challenge: hex(v.challenge),
      sessionField: hex(v.sessionField),
      clientNonce: hex(v.clientNonce),
    },
  })
  return { server, client, psk, clientId }
}

/** A PSK server and client set up exactly as in psk_handshake.json. */
export async function pskPair(file = loadVectors('psk_handshake'), status?: () => Uint8Array | undefined) {
  return pskPairWith(
    {
      psk: file.psk,
      clientId: file.client_id,
      serverNonces: [file.server.nonce, file.server.nonce_after_setup],
      sendCounterStart: u64(file.server.session_send_counter_initial),
      clientCounter: u64(file.client_counter_initial),
      challenge: file.client.challenge,
      sessionField: file.client.nonce_request_session_id,
      clientNonce: file.client.nonce,
    },
    status,
  )
}

/** Every datagram an endpoint has queued, as hex. */
export function drainHex(endpoint: { pollTransmit(): { bytes: Uint8Array } | undefined }): string[] {
  const out: string[] = []
  for (let t = endpoint.pollTransmit(); t !== undefined; t = endpoint.pollTransmit())
    out.push(Buffer.from(t.bytes).toString('hex'))
  return out
}

/** Every event an endpoint has queued. */
export function drainEvents<E>(endpoint: { pollEvent(): E | undefined }): E[] {
  const out: E[] = []
  for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) out.push(e)
  return out
}

/** The recorded random draws of one actor whose caller contains `callerPart`, as bytes (in draw order). */
export function draws(
  doc: { random_draws?: RandomDrawLike[] },
  actor: string,
  callerPart: string,
): Uint8Array[] {
  return (doc.random_draws ?? [])
    .filter((d) => d.actor === actor && d.caller.includes(callerPart) && d.hex !== undefined)
    .map((d) => hex(d.hex!))
}

/** The recorded integer draw (`randint`) of one actor whose caller contains `callerPart`. */
export function intDraw(doc: { random_draws?: RandomDrawLike[] }, actor: string, callerPart: string): bigint {
  const draw = (doc.random_draws ?? []).find(
    (d) => d.actor === actor && d.caller.includes(callerPart) && d.value !== undefined,
  )
  if (draw === undefined) throw new Error(`no randint draw of ${actor} at ${callerPart}`)
  return u64(draw.value!)
}

interface RandomDrawLike {
  actor: string
  caller: string
  hex?: string
  value?: string
}

/**
 * An ECC server and client set up exactly as in one ECC transcript: `run` is
 * the file itself or its `reconnect`/`race` sub-run (which share the file's keys).
 */
export async function eccPair(
  file: VectorDocumentLike,
  run: VectorDocumentLike = file,
  serverActor = 'server',
) {
  const clientKeys = { pk: hex(file.client_keypair.pk), sk: hex(file.client_keypair.sk) }
  const serverKeys = { pk: hex(file.server_keypair.pk), sk: hex(file.server_keypair.sk) }
  const setup = await loadCrypto()
  const clientPair = setup.keyPairFromSecretKey(clientKeys.sk)
  const serverPair = setup.keyPairFromSecretKey(serverKeys.sk)
  const clientId = hex(file.client_id)
  const guest = file.guest === true
  const registry = new MemoryClientRegistry()
  if (!guest) registry.addPublicKey(clientId, clientPair.publicKey)
  const server = new ServerEndpoint({
    crypto: await scriptedCrypto(orderedDraws(run, serverActor)),
    clients: registry,
    keyPair: serverPair,
    allowGuests: guest,
    sendCounterStart: () => intDraw(run, serverActor, '__init__:68'),
  })
  const client = new ClientEndpoint({
    crypto: await scriptedCrypto(draws(run, 'client', '_RemoteServer.onRawMessage')),
    destination: SERVER_ADDRESS,
    credentials: { type: 'ecc', clientId, keyPair: clientPair, serverPublicKey: serverPair.publicKey },
    timing: { keepaliveInterval: 0 },
    fixed: {
      initialCounter: intDraw(run, 'client', '__init__:474'),
      challenge: draws(run, 'client', '__init__:496')[0]!,
      sessionField: draws(run, 'client', '__init__:524')[0]!,
      ckey: SymmetricKey.from(draws(run, 'client', '__init__:523')[0]!),
    },
  })
  return { server, client, clientId, clientPair, serverPair }
}

/** The server's draws our implementation consumes, in its order: server nonce (32) when a record is made, box nonce (24) per opcode 11. */
function orderedDraws(run: VectorDocumentLike, actor: string): Uint8Array[] {
  return (run.random_draws as RandomDrawLike[])
    .filter(
      (d) =>
        d.actor === actor &&
        d.hex !== undefined &&
        (d.caller.includes('__init__:50') ||
          d.caller.includes('onRawMessage:238') ||
          d.caller.includes('onRawMessage:299')),
    )
    .map((d) => hex(d.hex!))
}

// biome-ignore lint/suspicious/noExplicitAny: vector JSON is free-form
type VectorDocumentLike = Record<string, any>
