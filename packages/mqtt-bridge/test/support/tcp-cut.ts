import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A loopback TCP relay in front of the broker whose connections can be cut
 * without a goodbye — what a crashed bridge or a pulled cable looks like to
 * the broker (it then publishes the last will).
 */
export class TcpCut {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  port = 0

  private constructor(target: number) {
    this.#server = createServer((inbound) => {
      const outbound = createConnection({ host: '127.0.0.1', port: target })
      for (const s of [inbound, outbound]) {
        this.#sockets.add(s)
        s.on('error', () => {})
        s.on('close', () => {
          this.#sockets.delete(s)
          inbound.destroy()
          outbound.destroy()
        })
      }
      inbound.pipe(outbound)
      outbound.pipe(inbound)
    })
  }

  /** A relay on a free loopback port to 127.0.0.1:`target`. */
  static async start(target: number): Promise<TcpCut> {
    const cut = new TcpCut(target)
    await new Promise<void>((resolve) => cut.#server.listen(0, '127.0.0.1', resolve))
    cut.port = (cut.#server.address() as { port: number }).port
    return cut
  }

  /** Destroys every relayed connection; unless `reconnectable`, stops accepting new ones too. */
  async cut(options: { reconnectable?: boolean } = {}): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    if (options.reconnectable === true) return
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /** Stops accepting (after a reconnectable cut). */
  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }
}
