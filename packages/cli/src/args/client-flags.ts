import {
  AuthenticationError,
  type AuthFailureReason,
  createClient,
  type PavillionClient,
  type PavillionClientOptions,
  type PeerAddress,
} from 'pavillion'
import { debugEnabled, debugTracer } from '../debug-trace.ts'
import type { CliIo } from '../io.ts'
import { RuntimeFailure, UsageError } from '../usage-error.ts'
import type { AddressArg } from './address.ts'
import { clientIdArg, pskArg, publicKeyArg, secretKeyArg } from './keys.ts'
import { integerFlag } from './parse.ts'
import { secretText } from './secret.ts'

/** The flags every client command takes (credentials, interface, timeout, output). */
export const CLIENT_FLAGS = {
  'client-id': { type: 'string' },
  psk: { type: 'string' },
  'secret-key': { type: 'string' },
  'server-key': { type: 'string' },
  interface: { type: 'string' },
  bind: { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const

/** The parsed values of {@link CLIENT_FLAGS}. */
export interface ClientFlagValues {
  readonly 'client-id'?: string | undefined
  readonly psk?: string | undefined
  readonly 'secret-key'?: string | undefined
  readonly 'server-key'?: string | undefined
  readonly interface?: string | undefined
  readonly bind?: string | undefined
  readonly timeout?: string | undefined
  readonly debug?: boolean | undefined
}

/** The longest timeout a flag accepts: one day. */
const MAX_TIMEOUT = 86_400_000

/** `--timeout MS` (default `fallback`). @throws UsageError when it is not an integer 0–86400000 */
export function timeoutFlag(values: ClientFlagValues, fallback: number): number {
  return integerFlag('timeout', values.timeout, fallback, 0, MAX_TIMEOUT)
}

/**
 * The client options the flags describe. Secrets come from the flags
 * (literal or `@file`) or from PAVILLION_PSK / PAVILLION_SECRET_KEY; the
 * client ID and server key may also come from PAVILLION_CLIENT_ID and
 * PAVILLION_SERVER_KEY.
 * @throws UsageError for missing, contradictory or malformed credentials, or a group without --interface
 */
export async function clientOptions(
  address: AddressArg,
  values: ClientFlagValues,
  io: CliIo,
): Promise<PavillionClientOptions> {
  if (address.multicast && values.interface === undefined) {
    throw new UsageError(
      `${address.host} is a multicast group: give --interface ADDR, the IP address of the interface to send through (e.g. 192.168.1.10, or 127.0.0.1 for this host only)`,
    )
  }
  const pskFlag = values.psk
  const secretFlag = values['secret-key']
  const pskText = await secretText(
    '--psk',
    pskFlag,
    io,
    secretFlag === undefined ? 'PAVILLION_PSK' : undefined,
  )
  const secretTextValue = await secretText(
    '--secret-key',
    secretFlag,
    io,
    pskFlag === undefined ? 'PAVILLION_SECRET_KEY' : undefined,
  )
  if (pskText !== undefined && secretTextValue !== undefined) {
    throw new UsageError(
      pskFlag === undefined && secretFlag === undefined
        ? 'both PAVILLION_PSK and PAVILLION_SECRET_KEY are set: pass --psk or --secret-key to choose'
        : 'give --psk (PSK) or --secret-key with --server-key (ECC), not both',
    )
  }
  const idText = values['client-id'] ?? io.env.PAVILLION_CLIENT_ID
  const clientId = idText === undefined || idText === '' ? undefined : clientIdArg('--client-id', idText)
  const common = {
    ...(await placeOf(address, values)),
    ...(values.bind === undefined ? {} : { bind: values.bind }),
    ...(debugEnabled(values.debug, io.env) ? { debug: debugTracer(io) } : {}),
  }
  if (pskText !== undefined) {
    if (clientId === undefined) {
      throw new UsageError('--psk needs --client-id ID (32 hex characters or 16 bytes of UTF-8)')
    }
    return { ...common, clientId, psk: pskArg('--psk', pskText) }
  }
  if (secretTextValue === undefined) {
    throw new UsageError(
      'no credentials: give --psk KEY with --client-id ID, or --secret-key KEY with --server-key PUB (or set PAVILLION_PSK / PAVILLION_SECRET_KEY)',
    )
  }
  const serverKeyText = await secretText('--server-key', values['server-key'], io, 'PAVILLION_SERVER_KEY')
  if (serverKeyText === undefined) {
    throw new UsageError(
      "--secret-key needs --server-key PUB, the server's public key (`pavillion pubkey` prints it)",
    )
  }
  return {
    ...common,
    ...(clientId === undefined ? {} : { clientId }),
    secretKey: secretKeyArg('--secret-key', secretTextValue),
    serverKey: publicKeyArg('--server-key', serverKeyText),
  }
}

/** Where the client sends: an address, or a name found by discovery on `--interface`. */
async function placeOf(
  address: AddressArg,
  values: ClientFlagValues,
): Promise<Pick<PavillionClientOptions, 'address' | 'server' | 'discovery' | 'multicastInterface'>> {
  if (address.discovered === undefined && !address.local) {
    return {
      address: address.text,
      ...(values.interface === undefined ? {} : { multicastInterface: values.interface }),
    }
  }
  if (values.interface === undefined) {
    throw new UsageError(
      `${address.text} is found through mDNS: give --interface ADDR, the IP address of the interface to look on (e.g. 192.168.1.10, or 127.0.0.1 for this host only)`,
    )
  }
  const discovery = { interfaces: [values.interface] }
  return address.discovered === undefined
    ? { address: address.text, discovery }
    : { server: { name: address.discovered }, discovery }
}

/** Transport errors that mean the address cannot be reached from here. */
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EACCES', 'EPERM'])

/**
 * Creates the client the flags describe, runs `work` with a signal that
 * aborts on interrupt, when the server refuses our client ID or key, or when the
 * address turns out unreachable, and closes the client whatever happens.
 * @throws what `work` throws; the refusal or transport error when that came first
 */
export async function withClient<T>(
  address: AddressArg,
  values: ClientFlagValues,
  io: CliIo,
  work: (client: PavillionClient, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const options = await clientOptions(address, values, io)
  const client = await createClient({ ...options, signal: io.signal })
  const failure = new AbortController()
  const refused = (address: PeerAddress, reason: AuthFailureReason) => {
    if (client.servers().length === 0) failure.abort(refusal(address, client.clientId, reason))
  }
  client.on('server:invalid-client-id', (detail) => refused(detail.address, 'invalid-client-id'))
  client.on('server:auth-failed', (detail) => {
    // `not-accepted` may be a lost acceptance: the handshake retries within the timeout.
    if (detail.reason === 'forged-answer') refused(detail.address, detail.reason)
  })
  client.on('error', (detail) => {
    const code = (detail.error as { code?: unknown } | null)?.code
    if (typeof code === 'string' && UNREACHABLE.has(code)) failure.abort(detail.error)
  })
  try {
    return await work(client, AbortSignal.any([io.signal, failure.signal]))
  } catch (error) {
    if (failure.signal.aborted) throw failure.signal.reason
    // An interrupt also closes the client; report the interrupt, not the closing.
    throw io.signal.aborted ? io.signal.reason : error
  } finally {
    await client.close()
  }
}

/** The failure a refused handshake ends a command with: the library's words, then what to check. */
function refusal(address: PeerAddress, clientId: Uint8Array, reason: AuthFailureReason): RuntimeFailure {
  const error = new AuthenticationError(address, clientId, reason)
  return new RuntimeFailure(
    `${error.message}; check --client-id, --psk / --secret-key and the server's client list`,
  )
}
