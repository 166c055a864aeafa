import { addressKey, type Client, isMulticast, PavillionError, type PeerAddress } from '@pavillion/core'
import { idName } from '../log.ts'

/**
 * Why a server refused this client: its nonce answer did not verify under
 * our key (`forged-answer`), or it said it does not know our client ID
 * (`invalid-client-id`, opcode 6).
 */
export type AuthFailureReason = 'forged-answer' | 'invalid-client-id'

/**
 * A server answered but did not accept this client ID with this key (a
 * wrong PSK, or an ECC key or client ID the server does not know), and no
 * server is connected. Raised by the client's waiting operations instead
 * of waiting out their timeout.
 */
export class AuthenticationError extends PavillionError<'ERR_AUTH_FAILED'> {
  /** The server that refused us (its send address). */
  readonly address: PeerAddress
  /** Which protocol step told us (see the `server:auth-failed` and `server:invalid-client-id` events). */
  readonly reason: AuthFailureReason

  static override readonly brand: symbol = Symbol.for('pavillion.error.AuthenticationError')

  constructor(address: PeerAddress, clientId: Uint8Array, reason: AuthFailureReason) {
    super(
      'ERR_AUTH_FAILED',
      `${addressKey(address)} answered but did not accept client ID ${idName(clientId)} with this key (wrong PSK, or the server does not know this client)`,
    )
    this.name = 'AuthenticationError'
    this.address = address
    this.reason = reason
  }
}

/**
 * Fails a client's waiting operations with {@link AuthenticationError} as
 * soon as a server refused us while none is connected, and those started
 * later at once until a server connects. A client sending to a multicast
 * group is never failed this way: another member may still accept it.
 * Refusals are unauthenticated; the engine reports one only after a whole
 * round of nonce requests was refused, so one spoofed datagram cannot cause
 * this failure, but a host that sees and answers all of them can — as it
 * could drop our packets.
 */
export class AuthRefusal {
  readonly #core: Client
  readonly #waiting = new Set<(error: AuthenticationError) => void>()
  #refused: AuthenticationError | undefined

  constructor(core: Client, destination: PeerAddress) {
    this.#core = core
    if (isMulticast(destination)) return
    // `not-accepted` is not a refusal one can be sure of: a lost opcode 7 looks the same.
    core.on('server:auth-failed', ({ address, reason }) => {
      if (reason === 'forged-answer') this.#refuse(address, reason)
    })
    core.on('server:invalid-client-id', ({ address }) => this.#refuse(address, 'invalid-client-id'))
    core.on('server:connected', () => {
      this.#refused = undefined
    })
  }

  /** The refusal that fails new operations now, if any. */
  get refused(): AuthenticationError | undefined {
    return this.#refused
  }

  /** `promise`, or its rejection with `AuthenticationError` when a refusal comes first. */
  guard<T>(promise: Promise<T>): Promise<T> {
    const refused = this.#refused
    if (refused !== undefined) {
      promise.catch(ignore) // the operation still runs out in the layer below; nobody awaits it
      return Promise.reject(refused)
    }
    return new Promise<T>((resolve, reject) => {
      const fail = (error: AuthenticationError) => {
        promise.catch(ignore)
        reject(error)
      }
      this.#waiting.add(fail)
      promise.then(
        (value) => {
          this.#waiting.delete(fail)
          resolve(value)
        },
        (error: unknown) => {
          this.#waiting.delete(fail)
          reject(error)
        },
      )
    })
  }

  #refuse(address: PeerAddress, reason: AuthFailureReason): void {
    if (this.#core.servers().length > 0) return
    const error = new AuthenticationError(address, this.#core.clientId, reason)
    this.#refused = error
    const waiting = [...this.#waiting]
    this.#waiting.clear()
    for (const fail of waiting) fail(error)
  }
}

function ignore(): void {}
