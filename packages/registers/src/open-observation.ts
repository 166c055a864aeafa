import type { Client, Runtime, ServerInfo } from '@pavillion/core'
import { ClosedError } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { decodeAnswer } from './answers.ts'
import type { Datatype, RegisterValue } from './codecs.ts'
import type { RegisterPacket } from './core-message.ts'
import { RegisterObservation } from './observation.ts'

/** What an observation needs of its client. */
export interface ObservationContext {
  readonly host: Pick<Client, 'send' | 'now'>
  readonly runtime: Pick<Runtime, 'setTimer'>
  /** True once the client is closed. */
  closed(): boolean
  /** Calls `listener` when the client closes (one registry for every observation, not one listener each); returns the remover. */
  onClose(listener: () => void): () => void
  /** The register's datatype, asked of the server. */
  describe(register: number, options: { timeout: number; signal?: AbortSignal }): Promise<Datatype>
  /** Sends a request answered by a status report; resolves on `ok`. */
  status(
    register: number,
    plaintext: Uint8Array,
    what: string,
    options: { timeout: number; signal: AbortSignal },
  ): Promise<void>
  /** Routes the client's value packets about `register` to `listener`; returns the remover. */
  listen(register: number, listener: (packet: RegisterPacket<ServerInfo>) => void): () => void
}

/** What one observation asks for (checked by the caller). */
export interface ObservationPlan {
  readonly register: number
  readonly durationMs: number
  readonly rateLimitMs: number
  readonly type: Datatype | undefined
  readonly timeout: number
  readonly signal: AbortSignal | undefined
}

/**
 * An observation driven as README "Wire rules" 6 says: started on its first
 * `next()`, renewed halfway through each duration while open, cancelled
 * (duration 0) when it ends, ended with the client.
 */
export function openObservation(ctx: ObservationContext, plan: ObservationPlan): RegisterObservation {
  const { register, durationMs, rateLimitMs, timeout, signal } = plan
  const observation = new RegisterObservation()
  const plaintext = encodeApp({ type: 'observe', register, durationMs, rateLimitMs })
  const stopRequests = new AbortController()
  let cancelRenewal = () => {}
  let unlisten = () => {}
  let type = plan.type
  const onNotification = (packet: RegisterPacket<ServerInfo>) => {
    const { message } = packet
    if (message.type !== 'register-declaration' || message.offset !== 0 || type === undefined) return
    let value: RegisterValue
    try {
      value = decodeAnswer(register, type, message.value)
    } catch {
      return // a server disagreeing on the datatype: not this observation's value
    }
    observation.push({ register, server: packet.sender, value, bytes: message.value.slice() })
  }
  // A renewal keeps trying for the whole request timeout, not only until the grant runs out: a grant that
  // expired meanwhile is granted again by the renewal, which also resends the current value.
  const request = () =>
    ctx.status(register, plaintext, `observing register ${register}`, {
      timeout,
      signal: stopRequests.signal,
    })
  const renewLater = () => {
    cancelRenewal = ctx.runtime.setTimer(ctx.host.now() + durationMs / 2, () => {
      request().then(renewLater, (error: unknown) => {
        if (!stopRequests.signal.aborted) observation.fail(error)
      })
    })
  }
  const onAbort = () => observation.fail(signal?.reason)
  const closeWithClient = () => observation.fail(new ClosedError('the registers client is closed'))
  observation.attach({
    start: async () => {
      type ??= await ctx.describe(register, { timeout, ...(signal === undefined ? {} : { signal }) })
      unlisten = ctx.listen(register, onNotification)
      await request()
      renewLater()
    },
    stop: () => {
      stopRequests.abort()
      cancelRenewal()
      unlisten()
      signal?.removeEventListener('abort', onAbort)
      forgetClose()
      if (ctx.closed()) return
      try {
        ctx.host.send(encodeApp({ type: 'observe', register, durationMs: 0, rateLimitMs: 0 }))
      } catch {
        // closed meanwhile: the server's grant expires by itself
      }
    },
  })
  if (signal?.aborted) observation.fail(signal.reason)
  else signal?.addEventListener('abort', onAbort, { once: true })
  const forgetClose = ctx.onClose(closeWithClient)
  return observation
}
