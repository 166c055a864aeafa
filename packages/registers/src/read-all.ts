import type { ServerInfo } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { decodeAnswer, readAnswerOf } from './answers.ts'
import type { Datatype, RegisterValue } from './codecs.ts'
import type { Requests, Verdict } from './requests.ts'

/** One server's answer to `readAll`. */
export type ReadAllResult =
  | { readonly server: ServerInfo; readonly value: RegisterValue; readonly bytes: Uint8Array }
  | { readonly server: ServerInfo; readonly error: Error }

/** How `gatherReads` asks. */
export interface GatherOptions {
  readonly timeout: number
  readonly retryInterval: number
  readonly signal: AbortSignal | undefined
  /** The datatype of the register on one server. */
  readonly datatypeOf: (server: ServerInfo) => Promise<Datatype>
}

/**
 * Reads `register` from every server that answers within the timeout (a
 * multicast group), retrying for those that have not: one entry per server,
 * its decoded value or its error (a refusal, an undecodable value).
 */
export async function gatherReads(
  requests: Requests,
  register: number,
  options: GatherOptions,
): Promise<ReadAllResult[]> {
  const plaintext = encodeApp({ type: 'register-read', register })
  const answers = new Map<string, { server: ServerInfo; bytes?: Uint8Array; error?: Error }>()
  const results = await requests.run({
    register,
    plaintext,
    timeout: options.timeout,
    retryInterval: options.retryInterval,
    signal: options.signal,
    what: `reading register ${register} from every server`,
    gathered: () => [...answers.values()],
    judge: (packet): Verdict<never> => {
      if (answers.has(packet.sender.key)) return 'ignore'
      const answer = readAnswerOf(packet, plaintext, 0, undefined)
      if (answer === undefined) return 'ignore'
      const server = packet.sender
      answers.set(server.key, answer instanceof Error ? { server, error: answer } : { server, bytes: answer })
      return 'kept'
    },
  })
  return Promise.all(
    results.map(async ({ server, bytes, error }): Promise<ReadAllResult> => {
      if (bytes === undefined) return { server, error: error as Error }
      try {
        return { server, value: decodeAnswer(register, await options.datatypeOf(server), bytes), bytes }
      } catch (failure) {
        return { server, error: failure as Error }
      }
    }),
  )
}
