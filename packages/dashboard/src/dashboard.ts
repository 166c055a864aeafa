import websocket, { type WebSocket } from '@fastify/websocket'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { AccessPolicy } from './access.ts'
import { loadAssets, SECURITY_HEADERS } from './assets.ts'
import { CommandRunner, failed } from './command-runner.ts'
import { COUNTERS, CounterHistory } from './counter-history.ts'
import { DiscoveryWatcher } from './discovery-watcher.ts'
import { hostPort, type MessageView, NodeWatcher } from './node-view.ts'
import { type DashboardOptions, resolveOptions } from './options.ts'
import { InvalidCommand, parseCommand } from './page-commands.ts'
import { RegisterWatcher } from './register-watcher.ts'

/** Pages connected at once; more are closed with 1013 (try again later). */
export const MAX_PAGES = 8
/** Commands one page may have running at once; more are answered "busy". */
export const MAX_COMMANDS_PER_PAGE = 8
/** The largest WebSocket message accepted from a page, bytes; larger ones close the socket (1009). */
export const MAX_PAGE_MESSAGE = 32 * 1024
/** Messages replayed to a page that connects (the most recent). */
export const RECENT_MESSAGES = 200
/** A page that has this many bytes unsent is skipped for live messages until it catches up. */
const MAX_BUFFERED = 1024 * 1024

/** A running dashboard: where to open it, and `close()`. */
export interface Dashboard {
  /** The address to open, with `?token=…` when one is required. */
  readonly url: string
  /** The one-time token (when `bind` is not loopback), else undefined. */
  readonly token: string | undefined
  /** The HTTP address and port it listens on. */
  readonly address: { readonly address: string; readonly port: number }
  /** Closes the pages' sockets, the HTTP server, the timers, the register observations and the discovery browser; the nodes stay open (they are the caller's). */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts the web dashboard over the given nodes and resolves once it listens.
 * @throws DashboardError for bad options; the listen error (e.g. `EADDRINUSE`)
 *
 * @example
 * ```ts
 * await using dashboard = await startDashboard({ clients: [client], port: 8080 })
 * console.log(`open ${dashboard.url}`)
 * ```
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const resolved = resolveOptions(options)
  const assets = await loadAssets()
  const pages = new Set<WebSocket>()
  const recent: MessageView[] = []
  const send = (socket: WebSocket, value: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(value))
  }
  const broadcast = (value: unknown, skipBusy: boolean) => {
    const text = JSON.stringify(value)
    for (const socket of pages) {
      if (socket.readyState !== socket.OPEN || (skipBusy && socket.bufferedAmount > MAX_BUFFERED)) continue
      socket.send(text)
    }
  }
  const onMessage = (message: MessageView) => {
    recent.push(message)
    if (recent.length > RECENT_MESSAGES) recent.shift()
    broadcast({ type: 'message', message }, true)
  }
  const nodes = new NodeWatcher(resolved.clients, resolved.servers, onMessage)
  const runner = new CommandRunner(nodes, onMessage)
  const history = new CounterHistory(() => [
    ...resolved.clients.map((c) => c.core.stats()),
    ...resolved.servers.map((s) => s.core.stats()),
  ])
  history.sample()
  const registers = new RegisterWatcher(
    resolved.clients,
    (update) => broadcast({ type: 'register', update }, true),
    (list) => broadcast({ type: 'registers', list }, false),
  )
  let discovery: DiscoveryWatcher | undefined
  if (resolved.discovery !== undefined) {
    try {
      discovery = await DiscoveryWatcher.start(resolved.discovery, (server) =>
        broadcast({ type: 'discovered', server }, false),
      )
    } catch (error) {
      nodes.close()
      registers.close()
      throw error
    }
  }

  const app: FastifyInstance = Fastify({
    logger: false,
    bodyLimit: 1024,
    requestTimeout: 30_000,
    forceCloseConnections: true,
  })
  let policy: AccessPolicy | undefined
  // Registered first: its own onRequest hook marks upgrade requests, so a refused one has its socket destroyed.
  await app.register(websocket, { options: { maxPayload: MAX_PAGE_MESSAGE } })
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS)
    if (policy === undefined || !policy.hostAllowed(request.headers.host)) {
      return reply.code(421).type('text/plain').send('this dashboard answers only on its own address')
    }
  })
  // Nothing about the failure reaches the page: a client error keeps its status, the rest is a plain 500.
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500
    return reply
      .code(status)
      .type('text/plain')
      .send(status === 500 ? 'internal error' : 'bad request')
  })
  for (const [path, asset] of assets) {
    app.get(path, async (request, reply) => {
      if (path === '/' && !policy!.tokenAllowed((request.query as Record<string, unknown>).token)) {
        return reply
          .code(403)
          .type('text/plain')
          .send('this dashboard needs the token it printed at start: open the URL it printed')
      }
      return reply.type(asset.type).send(asset.body)
    })
  }
  const refuseForeign = async (request: FastifyRequest, reply: FastifyReply) => {
    const { host, origin } = request.headers
    if (!policy!.socketAllowed(host, origin, (request.query as Record<string, unknown>).token)) {
      return reply.code(403).type('text/plain').send('refused: wrong origin or token')
    }
  }
  app.get('/ws', { websocket: true, preValidation: refuseForeign }, (socket) => {
    if (pages.size >= MAX_PAGES) {
      socket.close(1013, 'too many dashboard pages open')
      return
    }
    pages.add(socket)
    let running = 0
    socket.on('close', () => pages.delete(socket))
    socket.on('error', () => socket.terminate())
    socket.on('message', (data, isBinary) => {
      if (isBinary) return send(socket, failed(null, new InvalidCommand(null, 'expected text')))
      if (running >= MAX_COMMANDS_PER_PAGE) {
        return send(socket, failed(null, new InvalidCommand(null, 'busy: too many commands running')))
      }
      let command: ReturnType<typeof parseCommand>
      try {
        command = parseCommand(String(data))
      } catch (error) {
        return send(socket, failed(error instanceof InvalidCommand ? error.id : null, error))
      }
      running++
      void runner.run(command).then((reply) => {
        running--
        send(socket, reply)
      })
    })
    send(socket, {
      type: 'hello',
      counters: { names: COUNTERS, samples: history.samples() },
      nodes: nodes.snapshot(),
      messages: recent,
      registers: registers.snapshot(),
      discovered: discovery?.snapshot() ?? [],
    })
  })

  let address: { address: string; port: number }
  try {
    await app.listen({ host: resolved.bind, port: resolved.port })
    const bound = app.server.address()
    if (bound === null || typeof bound === 'string') throw new Error('the HTTP server has no address')
    address = { address: bound.address, port: bound.port }
  } catch (error) {
    nodes.close()
    registers.close()
    await discovery?.close()
    await app.close()
    throw error
  }
  policy = AccessPolicy.of(resolved.bind, address.port, resolved.loopback, resolved.token)
  const timer = setInterval(() => {
    broadcast({ type: 'tick', sample: history.sample(), nodes: nodes.snapshot() }, true)
  }, resolved.sampleInterval)
  timer.unref()
  void registers.refresh()

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      clearInterval(timer)
      nodes.close()
      registers.close()
      await discovery?.close()
      for (const socket of pages) socket.terminate()
      await app.close()
    })()
    return closing
  }
  const token = resolved.token
  return {
    url: `http://${hostPort(address)}/${token === undefined ? '' : `?token=${token}`}`,
    token,
    address,
    close,
    [Symbol.asyncDispose]: close,
  }
}
