import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'

/**
 * The baseline: a raw node:dgram echo on 127.0.0.1 with a client that can
 * have several requests in flight, matched by a 4-byte sequence number.
 * Same process and same loopback as the Pavillion figures beside it.
 */
export class RawEcho {
  readonly #server: Socket
  readonly #client: Socket
  readonly #port: number
  readonly #pending = new Map<
    number,
    { readonly resolve: () => void; readonly reject: (e: Error) => void; readonly at: number }
  >()
  readonly #watchdog: NodeJS.Timeout
  #sequence = 0

  private constructor(server: Socket, client: Socket) {
    this.#server = server
    this.#client = client
    this.#port = server.address().port
    server.on('message', (bytes, from) => server.send(bytes, from.port, from.address))
    client.on('message', (bytes) => {
      const id = bytes.readUInt32LE(0)
      this.#pending.get(id)?.resolve()
      this.#pending.delete(id)
    })
    // One watchdog for every request (a timer per datagram would slow the baseline down).
    this.#watchdog = setInterval(() => {
      const now = performance.now()
      for (const [id, request] of this.#pending) {
        if (now - request.at < 1000) continue
        this.#pending.delete(id)
        request.reject(new Error('raw datagram lost'))
      }
    }, 250)
    this.#watchdog.unref()
  }

  /** Binds both sockets on 127.0.0.1. */
  static async start(): Promise<RawEcho> {
    const server = createSocket('udp4')
    const client = createSocket('udp4')
    server.bind(0, '127.0.0.1')
    client.bind(0, '127.0.0.1')
    await Promise.all([once(server, 'listening'), once(client, 'listening')])
    return new RawEcho(server, client)
  }

  /** One round trip of a `size`-byte datagram; rejects after 1 s (a lost datagram on loopback). */
  roundTrip(size: number): Promise<void> {
    const id = this.#sequence++ >>> 0
    const bytes = Buffer.alloc(Math.max(size, 4))
    bytes.writeUInt32LE(id, 0)
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, at: performance.now() })
      this.#client.send(bytes, this.#port, '127.0.0.1')
    })
  }

  /** Closes both sockets. */
  async close(): Promise<void> {
    clearInterval(this.#watchdog)
    await Promise.all([
      new Promise<void>((r) => this.#server.close(() => r())),
      new Promise<void>((r) => this.#client.close(() => r())),
    ])
  }
}
