import { waitUntil } from '@pavillion/test-utils'
import WebSocket from 'ws'

/** An open socket and what it received from its first message on. */
export interface OpenSocket {
  readonly socket: WebSocket
  readonly inbox: Inbox
}

/** Opens a WebSocket to `url`; resolves once open, or with the refusal's HTTP status. */
export function openSocket(url: string, headers: Record<string, string>): Promise<OpenSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    const inbox = new Inbox(socket)
    socket.once('open', () => resolve({ socket, inbox }))
    socket.once('unexpected-response', (_request, response) => {
      response.resume()
      socket.terminate()
      resolve(response.statusCode ?? 0)
    })
    socket.once('error', reject)
  })
}

/** Collects the JSON messages a socket receives. */
export class Inbox {
  readonly messages: Record<string, unknown>[] = []

  constructor(socket: WebSocket) {
    socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as Record<string, unknown>))
  }

  /** Resolves with the first message that matches (waiting up to 20 s of wall-clock time). */
  async next(match: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    await waitUntil(() => this.messages.some(match), 20_000)
    const found = this.messages.find(match)
    if (found !== undefined) return found
    throw new Error('no such message within 20 s')
  }
}
