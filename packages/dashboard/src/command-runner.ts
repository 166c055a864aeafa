import { InvalidArgumentError } from 'pavillion'
import { viewOf } from './bytes-view.ts'
import { hostPort, type MessageView, type NodeWatcher } from './node-view.ts'
import {
  type CallCommand,
  callAllView,
  errorView,
  type PageCommand,
  type PublishCommand,
  reportView,
} from './page-commands.ts'

/** The answer to one command, sent to the page that asked: `ok` with a result, or the error. */
export type CommandReply =
  | {
      readonly type: 'reply'
      readonly id: number
      readonly ok: true
      readonly kind: string
      readonly result: unknown
      readonly elapsed: number
    }
  | {
      readonly type: 'reply'
      readonly id: number | null
      readonly ok: false
      readonly error: ReturnType<typeof errorView>
    }

/** The reply for a failed command. */
export function failed(id: number | null, error: unknown): CommandReply {
  return { type: 'reply', id, ok: false, error: errorView(error) }
}

/**
 * Runs the page's commands through the dashboard's nodes. Every promise it
 * returns resolves (errors become `ok: false` replies); published messages
 * are also reported to `onPublished` so every page lists them.
 */
export class CommandRunner {
  readonly #nodes: NodeWatcher
  readonly #onPublished: (message: MessageView) => void

  constructor(nodes: NodeWatcher, onPublished: (message: MessageView) => void) {
    this.#nodes = nodes
    this.#onPublished = onPublished
  }

  /** Runs `command`; resolves with its reply, never rejects. */
  async run(command: PageCommand): Promise<CommandReply> {
    const started = performance.now()
    try {
      const [kind, result] =
        command.type === 'call' ? await this.#call(command) : await this.#publish(command)
      return { type: 'reply', id: command.id, ok: true, kind, result, elapsed: performance.now() - started }
    } catch (error) {
      return failed(command.id, error)
    }
  }

  async #call(command: CallCommand): Promise<[string, unknown]> {
    const client = this.#nodes.client(command.node)
    if (client === undefined)
      throw new InvalidArgumentError(`no client node "${command.node}" (calls go through clients)`)
    const options = { timeout: command.timeout }
    if (command.all) {
      const results = await client.callAll(command.fn, command.args, options)
      for (const r of results) this.#nodes.touch(command.node, r.server.key)
      return ['call-all', callAllView(results, viewOf)]
    }
    const result = await client.call(command.fn, command.args, options)
    const server = client.servers()[0]
    if (server !== undefined) this.#nodes.touch(command.node, server.key)
    return ['call', viewOf(result)]
  }

  async #publish(command: PublishCommand): Promise<[string, unknown]> {
    const { node, target, name, payload, reliable, timeout } = command
    const client = this.#nodes.client(node)
    const server = client === undefined ? this.#nodes.server(node) : undefined
    if (client === undefined && server === undefined) throw new InvalidArgumentError(`no node "${node}"`)
    const options = { reliable, timeout }
    const report =
      client !== undefined
        ? await client.publish(target, name, payload, options)
        : await server!.publish(target, name, payload, options)
    for (const peer of report.acked) this.#nodes.touch(node, peer.key)
    this.#onPublished({
      at: Date.now(),
      node,
      direction: 'out',
      target,
      name,
      payload: viewOf(payload),
      reliable,
      peer: client !== undefined ? hostPort(client.destination) : hostPort(server!.address),
    })
    return ['publish', reportView(report)]
  }
}
