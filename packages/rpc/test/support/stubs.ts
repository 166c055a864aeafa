import type {
  ClientInfo,
  DeliveryReport,
  OpcodeEvent,
  ServerInfo,
  TrackedSend,
  TrackedSendOptions,
} from '@pavillion/core'
import { type AppMessage, decodeApp } from '@pavillion/wire'
import type { RpcClientHost, RpcServerHost } from '../../src/index.ts'

/** A caller as a server sees it. */
export const CALLER: ClientInfo = {
  key: '127.0.0.2:40002',
  address: { address: '127.0.0.2', port: 40002 },
  suite: 1,
  clientId: new TextEncoder().encode('cid1cid1cid1cid1'),
  identity: new TextEncoder().encode('cid1cid1cid1cid1'),
  guest: false,
}

/** A server as a client sees it. */
export const SERVER_INFO: ServerInfo = {
  key: '127.0.0.1:40001',
  address: { address: '127.0.0.1', port: 40001 },
  suite: 1,
  publicKey: undefined,
}

/** A stand-in for a core Server: records what is sent, lets the test deliver calls. */
export class StubServer implements RpcServerHost {
  readonly sent: { plaintext: Uint8Array; to: readonly string[] | undefined }[] = []
  readonly #lifetime = new AbortController()
  #handler: ((event: OpcodeEvent<ClientInfo>) => void) | undefined
  time = 0

  get signal(): AbortSignal {
    return this.#lifetime.signal
  }

  handle(_opcode: number, handler: (event: OpcodeEvent<ClientInfo>) => void): () => void {
    this.#handler = handler
    return () => {
      this.#handler = undefined
    }
  }

  send(plaintext: Uint8Array, options: { to?: readonly string[] } = {}): readonly ClientInfo[] {
    this.sent.push({ plaintext, to: options.to })
    return [CALLER]
  }

  now(): number {
    return this.time
  }

  /** Delivers one call plaintext as the engine would. */
  deliver(
    plaintext: Uint8Array,
    counter: bigint,
    options: { duplicate?: boolean; peer?: ClientInfo } = {},
  ): void {
    this.#handler?.({
      opcode: plaintext[0] ?? 0,
      payload: plaintext.subarray(1),
      counter,
      sender: options.peer ?? CALLER,
      duplicate: options.duplicate ?? false,
    })
  }

  /** The decoded responses sent so far. */
  responses(): AppMessage[] {
    return this.sent.map((s) => decodeApp(s.plaintext))
  }

  close(): void {
    this.#lifetime.abort(new Error('closed'))
  }
}

/**
 * A stand-in for a core Client: each tracked send gets a ticket and the next
 * counter; a response for counter `c` is an answer of the send with counter
 * `c` (it ends a call at once, a `callAll` keeps collecting). Tests end sends
 * with `finish('deadline' | 'closed' | 'acknowledged')`.
 */
export class StubClient implements RpcClientHost {
  readonly sends: { plaintext: Uint8Array; counter: bigint; finish: (outcome: Outcome) => void }[] = []
  readonly #lifetime = new AbortController()
  readonly #byCounter = new Map<
    bigint,
    {
      owner: object | undefined
      expect: string | undefined
      answers: OpcodeEvent<ServerInfo>[]
      finish: (outcome: Outcome) => void
    }
  >()
  #handler: ((event: OpcodeEvent<ServerInfo>) => void) | undefined
  #nextId = 1
  /** The counter the next tracked send gets. */
  nextCounter = 1000n

  get signal(): AbortSignal {
    return this.#lifetime.signal
  }

  handle(_opcode: number, handler: (event: OpcodeEvent<ServerInfo>) => void): () => void {
    this.#handler = handler
    return () => {
      this.#handler = undefined
    }
  }

  now(): number {
    return 0
  }

  sendTracked(plaintext: Uint8Array, options: TrackedSendOptions = {}): TrackedSend<ServerInfo> {
    const id = this.#nextId++
    const counter = this.nextCounter++
    const answers: OpcodeEvent<ServerInfo>[] = []
    let finish!: (outcome: Outcome) => void
    const done = new Promise<DeliveryReport<ServerInfo>>((resolve, reject) => {
      finish = (outcome) => {
        if (!this.#byCounter.delete(counter)) return
        // Like the facade: a cancelled send rejects, every other outcome resolves with its report.
        if (outcome === 'cancelled') reject(new Error('cancelled'))
        else
          resolve({ id, counter, outcome, acked: [], missing: [], transmissions: 3, elapsed: 100, answers })
      }
    })
    this.sends.push({ plaintext, counter, finish })
    this.#byCounter.set(counter, { owner: options.owner, expect: options.expect, answers, finish })
    return { id, done }
  }

  cancelOwned(owner: object): void {
    for (const send of [...this.#byCounter.values()]) if (send.owner === owner) send.finish('cancelled')
  }

  /** Delivers a response plaintext from `SERVER_INFO`, as the engine would: an answer to its call, or a stray. */
  deliver(plaintext: Uint8Array): void {
    const event: OpcodeEvent<ServerInfo> = {
      opcode: plaintext[0] ?? 0,
      payload: plaintext.subarray(1),
      counter: 1n,
      sender: SERVER_INFO,
      duplicate: false,
    }
    const answered =
      plaintext.length >= 9 ? new DataView(plaintext.buffer, plaintext.byteOffset).getBigUint64(1, true) : -1n
    const send = this.#byCounter.get(answered)
    if (send === undefined) {
      this.#handler?.(event)
      return
    }
    send.answers.push(event)
    if (send.expect !== 'until-deadline') send.finish('acknowledged')
  }
}

type Outcome = DeliveryReport<ServerInfo>['outcome']
