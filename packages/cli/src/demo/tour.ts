import {
  createClient,
  createServer,
  DEFAULT_MULTICAST_GROUP,
  exportKey,
  generateKeyPair,
  generatePsk,
  type KeyPair,
  type PacketTracer,
  type PavillionClient,
  type PavillionClientEvents,
  type PavillionServer,
  type PresharedKey,
  type ServerInfo,
} from 'pavillion'
import type { DemoPrinter, StepRecord } from './printer.ts'

/** Everything stays on this host: unicast to 127.0.0.1, group datagrams through the interface 127.0.0.1. */
const LOOPBACK = '127.0.0.1'
const GROUP = DEFAULT_MULTICAST_GROUP
const PSK_CLIENT = 'demo-psk-client1'
const ECC_CLIENT = 'demo-ecc-client1'
/** The demo's function: answers with the name of the server that ran it. */
const HELLO = 400
/** gamma's mDNS name (advertised and looked up through 127.0.0.1 only), unique per run. */
const GAMMA_NAME = `demo-gamma-${process.pid}`
/** Every wait of the demo is bounded by this, ms. */
const STEP_TIMEOUT = 3000

/** A server or client of the tour. */
interface Closable {
  readonly closed: boolean
  close(): Promise<void>
}

/** Options of {@link runTour}. */
export interface TourOptions {
  /** Aborts the tour (interrupt, overall time limit). */
  readonly signal: AbortSignal
  /** The `debug` option of each endpoint: `{ debug: tracer }` with `--debug`, else `{}`. */
  readonly trace: (label: string) => { readonly debug?: PacketTracer }
}

/**
 * Runs the tour step by step, printing as it goes, and resolves with one
 * record per step. Closes every server and client it started, whether it
 * succeeds or not.
 * @throws the first failure (after printing it), or `signal.reason`
 */
export async function runTour(print: DemoPrinter, options: TourOptions): Promise<StepRecord[]> {
  const { signal } = options
  const records: StepRecord[] = []
  const closables: Closable[] = []
  const names = new Map<number, string>()
  const own = <T extends Closable>(item: T): T => {
    closables.push(item)
    return item
  }
  const nameOf = (server: ServerInfo) => `${names.get(server.address.port) ?? 'server'} (${server.key})`
  // What the steps share, assigned by the step that creates it.
  let psk!: PresharedKey
  let serverKeys!: KeyPair
  let clientKeys!: KeyPair
  let groupPort = 0
  let gamma!: PavillionServer
  let pskClient!: PavillionClient
  let eccClient!: PavillionClient
  /** False when this host's mDNS port could not be shared: gamma is then reached by address. */
  let advertised = true
  const { style } = print

  const step = async (title: string, work: () => Promise<string>) => {
    signal.throwIfAborted()
    print.step(records.length + 1, title)
    const started = performance.now()
    try {
      const summary = await work()
      const record = { title, summary, ms: performance.now() - started }
      records.push(record)
      print.done(record)
    } catch (error) {
      print.failed(
        signal.aborted ? String(signal.reason?.message ?? signal.reason) : (error as Error).message,
      )
      throw signal.aborted ? signal.reason : error
    }
  }

  const startServer = async (name: string, extra: Parameters<typeof createServer>[0]) => {
    const server = own(await createServer({ clients: { psk: { [PSK_CLIENT]: psk } }, ...extra, signal }))
    names.set(server.sendAddress.port, name)
    server.rpc.handle(HELLO, () => new TextEncoder().encode(`hello from ${name}`), { name: 'hello' })
    server.subscribe('lights', (m) => {
      print.detail(`${style.cyan(name)} received ${m.target}/${m.name} ${JSON.stringify(text(m.payload))}`)
    })
    return server
  }

  const startGamma = async (port: number) => {
    const gammaOptions = {
      bind: LOOPBACK,
      port,
      keyPair: serverKeys,
      clients: { ecc: { [ECC_CLIENT]: clientKeys.publicKey } },
      ...options.trace('gamma'),
    }
    if (advertised) {
      try {
        return await startServer('gamma', {
          ...gammaOptions,
          advertise: { name: GAMMA_NAME, interfaces: [LOOPBACK] },
        })
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error
        advertised = false
        print.detail(style.dim('mDNS port 5353 is held by another program here: gamma is reached by address'))
      }
    }
    return startServer('gamma', gammaOptions)
  }

  try {
    await step('Generate keys', async () => {
      psk = await generatePsk()
      serverKeys = await generateKeyPair()
      clientKeys = await generateKeyPair()
      print.detail(`PSK for ${style.cyan(PSK_CLIENT)}: 32 random bytes ${style.dim('(never printed)')}`)
      print.detail(`server key pair, public key ${short(exportKey(serverKeys.publicKey))}`)
      print.detail(
        `client key pair for ${style.cyan(ECC_CLIENT)}, public key ${short(exportKey(clientKeys.publicKey))}`,
      )
      return 'a PSK and two X25519 key pairs'
    })

    await step('Start three servers', async () => {
      const multicast = { group: GROUP, interface: LOOPBACK }
      // alpha takes a free port (0.0.0.0, shared: reuseAddress) and beta joins it there.
      const alpha = await startServer('alpha', { port: 0, multicast, ...options.trace('alpha') })
      groupPort = alpha.address.port
      const beta = await startServer('beta', { port: groupPort, multicast, ...options.trace('beta') })
      gamma = await startGamma(0)
      for (const [name, server] of [
        ['alpha', alpha],
        ['beta', beta],
      ] as const) {
        print.detail(
          `${style.cyan(name)} in group ${GROUP}:${groupPort} via ${LOOPBACK} ${style.dim(`(sends from port ${server.sendAddress.port})`)}`,
        )
      }
      print.detail(
        `${style.cyan('gamma')} on ${LOOPBACK}:${gamma.address.port} ${style.dim("(ECC, knows the client's public key)")}${advertised ? `, advertised over mDNS as ${style.cyan(GAMMA_NAME)} through ${LOOPBACK}` : ''}`,
      )
      return `alpha + beta in ${GROUP}:${groupPort}, gamma on ${LOOPBACK}:${gamma.address.port}`
    })

    await step('Connect a PSK client to the group', async () => {
      pskClient = own(
        await createClient({
          address: `${GROUP}:${groupPort}`,
          multicastInterface: LOOPBACK,
          bind: LOOPBACK,
          clientId: PSK_CLIENT,
          psk: psk,
          ...options.trace('psk-client'),
          signal,
        }),
      )
      const servers = await connectedServers(pskClient, 2, signal)
      for (const server of servers)
        print.detail(`handshake with ${nameOf(server)} ${style.dim('(PSK challenge-response)')}`)
      return `connected to ${servers
        .map((s) => names.get(s.address.port))
        .sort()
        .join(' and ')} through one group address`
    })

    await step('Connect an ECC client to gamma', async () => {
      eccClient = own(
        await createClient({
          ...(advertised
            ? { server: { name: GAMMA_NAME }, discovery: { interfaces: [LOOPBACK] } }
            : { address: `${LOOPBACK}:${gamma.address.port}` }),
          bind: LOOPBACK,
          clientId: ECC_CLIENT,
          secretKey: clientKeys.secretKey,
          serverKey: serverKeys.publicKey,
          ...options.trace('ecc-client'),
          signal,
        }),
      )
      const [server] = await connectedServers(eccClient, 1, signal)
      if (advertised) print.detail(`found ${style.cyan(GAMMA_NAME)} by mDNS (DNS-SD _pavillion._udp)`)
      print.detail(`handshake with ${nameOf(server!)} ${style.dim('(X25519 boxes, server key verified)')}`)
      return `connected to gamma${advertised ? ', found by name,' : ''} with X25519 keys`
    })

    await step('Call functions', async () => {
      const first = text(await pskClient.call(HELLO, 'hi', { timeout: STEP_TIMEOUT, signal }))
      print.detail(
        `PSK client → group, function ${HELLO}: ${JSON.stringify(first)} ${style.dim('(first answer wins)')}`,
      )
      const all = await pskClient.callAll(HELLO, 'hi', { timeout: 300, signal })
      const answers = all.map((a) => ('result' in a ? text(a.result) : `error ${a.error.status}`)).sort()
      print.detail(`PSK client → group, callAll: ${answers.map((a) => JSON.stringify(a)).join(', ')}`)
      const ecc = text(await eccClient.call(HELLO, 'hi', { timeout: STEP_TIMEOUT, signal }))
      print.detail(`ECC client → gamma: ${JSON.stringify(ecc)}`)
      if (all.length !== 2) throw new Error(`callAll expected 2 answers, got ${all.length}`)
      return `${all.length + 2} calls answered, ${all.length} of them by one callAll`
    })

    await step('Publish reliably to the group', async () => {
      const report = await pskClient.publish('lights', 'kitchen', 'on', {
        expect: 'all',
        timeout: STEP_TIMEOUT,
        signal,
      })
      const acked = report.acked.map((s) => names.get(s.address.port) ?? s.key).sort()
      print.detail(
        `delivery report: ${report.outcome} by ${report.acked.map(nameOf).join(', ')} ${style.dim(`(${report.transmissions} transmission${report.transmissions === 1 ? '' : 's'})`)}`,
      )
      if (report.outcome !== 'acknowledged' || acked.join() !== 'alpha,beta') {
        throw new Error(`expected alpha and beta to acknowledge, got ${acked.join(', ') || 'nobody'}`)
      }
      return 'acknowledged by alpha and beta'
    })

    await step('Push a message from a server to its client', async () => {
      const inbox = eccClient.messages('alarms', { signal })
      const report = await gamma.publish('alarms', 'door', 'open', { timeout: STEP_TIMEOUT, signal })
      const next = await inbox.next()
      await inbox.return()
      if (next.done === true) throw new Error('the ECC client received nothing')
      print.detail(
        `ECC client received ${next.value.target}/${next.value.name} ${JSON.stringify(text(next.value.payload))} from ${nameOf(next.value.sender)}`,
      )
      print.detail(
        `delivery report: ${report.outcome} by ${report.acked.map((c) => text(c.clientId)).join(', ')}`,
      )
      return 'gamma → ECC client, acknowledged'
    })

    await step('Observe a changing register', async () => {
      const temperature = gamma.registers.declare({
        register: 100,
        name: 'temperature',
        datatype: 'f32',
        value: 20,
      })
      const observation = eccClient.registers.observe(100, { rateLimitMs: 50, signal })
      const seen: unknown[] = []
      for await (const { value } of observation) {
        seen.push(value)
        if (seen.length === 1) for (const t of [20.5, 21, 21.5, 22]) temperature.set(t) // coalesced to 22
        if (value === 22) break
      }
      print.detail(
        `ECC client observed register 100 on gamma: ${seen.join(' → ')} ${style.dim('(rate limit 50 ms)')}`,
      )
      return `${seen.length} notifications, ending with the latest value`
    })

    await step('Restart gamma', async () => {
      const gone = once(eccClient, 'server:disconnected', signal)
      await gamma.close()
      const { reason } = await gone
      print.detail(`gamma closed; the client saw ${style.yellow(`server:disconnected (${reason})`)}`)
      const restarted = performance.now()
      gamma = await startGamma(gamma.address.port)
      print.detail(`gamma started again on ${LOOPBACK}:${gamma.address.port} with empty state`)
      const back = once(eccClient, 'server:connected', signal)
      const answer = text(await eccClient.call(HELLO, 'again', { timeout: STEP_TIMEOUT, signal }))
      await back
      const ms = performance.now() - restarted
      print.detail(
        `the client reconnected by itself and the call returned ${JSON.stringify(answer)} ${style.dim(`(${ms.toFixed(1)} ms)`)}`,
      )
      return 'client reconnected, call answered after the restart'
    })

    await step('Close everything', async () => {
      const count = closables.filter((item) => !item.closed).length
      await closeAll(closables)
      return `${count} endpoints closed, every socket released`
    })
    return records
  } finally {
    await closeAll(closables)
  }
}

/** Resolves with the connected servers once there are `count` of them (bounded by STEP_TIMEOUT). */
async function connectedServers(
  client: PavillionClient,
  count: number,
  signal: AbortSignal,
): Promise<ServerInfo[]> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(STEP_TIMEOUT)])
  while (client.servers().length < count) {
    if (deadline.aborted) {
      throw new Error(
        `expected ${count} server(s) to answer within ${STEP_TIMEOUT} ms, got ${client.servers().length}`,
      )
    }
    await new Promise<void>((resolve) => {
      const done = new AbortController()
      const finish = () => {
        done.abort()
        resolve()
      }
      client.on('server:connected', finish, { signal: done.signal })
      deadline.addEventListener('abort', finish, { signal: done.signal })
    })
  }
  return client.servers()
}

/** What the next `type` event of `client` carries (rejects after STEP_TIMEOUT). */
function once<K extends 'server:connected' | 'server:disconnected'>(
  client: PavillionClient,
  type: K,
  signal: AbortSignal,
): Promise<PavillionClientEvents[K]> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(STEP_TIMEOUT)])
  return new Promise((resolve, reject) => {
    const done = new AbortController()
    const listener = (event: PavillionClientEvents[K]) => {
      done.abort()
      resolve(event)
    }
    client.on(type, listener, { signal: done.signal })
    deadline.addEventListener(
      'abort',
      () => {
        done.abort()
        reject(new Error(`no ${type} event within ${STEP_TIMEOUT} ms`))
      },
      { signal: done.signal },
    )
  })
}

async function closeAll(closables: Closable[]): Promise<void> {
  for (const item of closables.splice(0).reverse()) await item.close()
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes)
}

function short(hex: string): string {
  return `${hex.slice(0, 16)}…`
}
