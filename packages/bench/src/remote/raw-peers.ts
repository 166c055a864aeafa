import { createSocket, type Socket } from 'node:dgram'
import { once } from 'node:events'
import { type Budget, cpuMsSince, STARTED, series, windowed } from '../measure.ts'
import type { RoleInstance } from '../scenario.ts'
import { LOOPBACK, RECEIVE_BUFFER } from './peers.ts'

/** Where a raw echo server listens: 127.0.0.1:0, or a group joined on 127.0.0.1. */
export interface RawServerParams {
  readonly group?: { readonly address: string; readonly port: number }
}

/** The baseline server: a node:dgram socket that sends every datagram back (from a second socket, like a Pavillion server). */
export async function rawServerRole(params: RawServerParams): Promise<RoleInstance> {
  const listen = createSocket({
    type: 'udp4',
    reuseAddr: params.group !== undefined,
    recvBufferSize: RECEIVE_BUFFER,
  })
  const reply = createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER })
  listen.bind(params.group?.port ?? 0, params.group === undefined ? LOOPBACK : '0.0.0.0')
  reply.bind(0, LOOPBACK)
  await Promise.all([once(listen, 'listening'), once(reply, 'listening')])
  if (params.group !== undefined) listen.addMembership(params.group.address, LOOPBACK)
  listen.on('message', (bytes, from) => reply.send(bytes, from.port, from.address))
  return {
    info: { port: listen.address().port },
    request: async () => ({ cpuMs: cpuMsSince(STARTED) }),
    async close() {
      await Promise.all([
        new Promise<void>((r) => listen.close(() => r())),
        new Promise<void>((r) => reply.close(() => r())),
      ])
    },
  }
}

/** Parameters of a raw client process. */
export interface RawClientParams {
  readonly port: number
  /** Send to this group through 127.0.0.1. */
  readonly group?: string
  /** Replies that complete one round trip (a group's size). Default 1. */
  readonly servers?: number
}

/** Requests a raw client answers. */
type RawRequest =
  | { readonly kind: 'rate'; readonly size: number; readonly window: number; readonly budget: Budget }
  | { readonly kind: 'series'; readonly size: number; readonly count: number }

/** The baseline client: one socket, round trips matched by a 4-byte sequence number, each complete when every server answered. */
export async function rawClientRole(params: RawClientParams): Promise<RoleInstance> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER })
  socket.bind(0, LOOPBACK)
  await once(socket, 'listening')
  if (params.group !== undefined) {
    socket.setMulticastInterface(LOOPBACK)
    socket.setMulticastTTL(0)
  }
  const trips = new RoundTrips(socket, params.group ?? LOOPBACK, params.port, params.servers ?? 1)
  return {
    async request(request: RawRequest): Promise<unknown> {
      if (request.kind === 'rate')
        return windowed(() => trips.roundTrip(request.size), request.window, request.budget)
      return series(() => trips.roundTrip(request.size), request.count)
    },
    async close() {
      trips.close()
      await new Promise<void>((r) => socket.close(() => r()))
    },
  }
}

/**
 * Outstanding raw round trips. A datagram the kernel dropped (a full receive
 * queue with hundreds in flight) is sent again after 200 ms, like any
 * protocol would; after 5 tries the round trip fails.
 */
class RoundTrips {
  readonly #pending = new Map<
    number,
    {
      remaining: number
      resolve: () => void
      reject: (e: Error) => void
      at: number
      tries: number
      bytes: Buffer
    }
  >()
  readonly #watchdog: NodeJS.Timeout
  readonly #socket: Socket
  readonly #address: string
  readonly #port: number
  readonly #servers: number
  #sequence = 0

  constructor(socket: Socket, address: string, port: number, servers: number) {
    this.#socket = socket
    this.#address = address
    this.#port = port
    this.#servers = servers
    socket.on('message', (bytes) => {
      const id = bytes.readUInt32LE(0)
      const trip = this.#pending.get(id)
      if (trip === undefined || --trip.remaining > 0) return
      this.#pending.delete(id)
      trip.resolve()
    })
    this.#watchdog = setInterval(() => {
      const now = performance.now()
      for (const [id, trip] of this.#pending) {
        if (now - trip.at < 200) continue
        if (++trip.tries > 5) {
          this.#pending.delete(id)
          trip.reject(new Error('raw datagram lost 5 times'))
          continue
        }
        trip.at = now
        this.#socket.send(trip.bytes, this.#port, this.#address)
      }
    }, 50)
  }

  roundTrip(size: number): Promise<void> {
    const id = this.#sequence++ >>> 0
    const bytes = Buffer.alloc(Math.max(size, 4))
    bytes.writeUInt32LE(id, 0)
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        remaining: this.#servers,
        resolve,
        reject,
        at: performance.now(),
        tries: 1,
        bytes,
      })
      this.#socket.send(bytes, this.#port, this.#address)
    })
  }

  close(): void {
    clearInterval(this.#watchdog)
  }
}
