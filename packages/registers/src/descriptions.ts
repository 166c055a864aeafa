import type { ServerInfo } from '@pavillion/core'
import { encodeApp } from '@pavillion/wire'
import { refusalOf } from './answers.ts'
import { RegisterMalformedError } from './errors.ts'
import type { Requests } from './requests.ts'
import { parseDescription, type RegisterDescription } from './texts.ts'

/** A register as one server describes it. */
export interface RegisterInfo extends RegisterDescription {
  readonly register: number
  readonly server: ServerInfo
}

/** Descriptions remembered per server and register at most; all are forgotten past it. */
const MAX_DESCRIPTIONS = 4096

/** How long to ask and how often to retry. */
export interface AskOptions {
  readonly timeout: number
  readonly signal?: AbortSignal | undefined
}

/** Register descriptions a client asked for (9 → 10), remembered per server and register. */
export class Descriptions {
  readonly #requests: Requests
  readonly #retryInterval: number
  readonly #known = new Map<string, RegisterDescription>()

  constructor(requests: Requests, retryInterval: number) {
    this.#requests = requests
    this.#retryInterval = retryInterval
  }

  /**
   * The description of `register` on `server` (undefined: whoever answers first).
   * Rejects with the server's refusal, `RegisterMalformedError`, `TimeoutError`, …
   */
  async of(server: ServerInfo | undefined, register: number, options: AskOptions): Promise<RegisterInfo> {
    if (server !== undefined) {
      const known = this.#known.get(`${server.key}|${register}`)
      if (known !== undefined) return { ...known, register, server }
    }
    const plaintext = encodeApp({ type: 'register-info-request', register })
    const answer = await this.#requests.run<RegisterInfo>({
      register,
      plaintext,
      timeout: options.timeout,
      retryInterval: this.#retryInterval,
      signal: options.signal,
      what: `asking for register ${register}'s description`,
      judge: (packet) => {
        if (packet.message.type !== 'register-info') return 'ignore'
        if (server !== undefined && packet.sender.key !== server.key) return 'ignore'
        const refusal = refusalOf(packet, plaintext)
        if (refusal !== undefined) return { fail: refusal }
        if (packet.message.info.startsWith('!')) return 'ignore' // a status report for another request
        const description = parseDescription(packet.message.info)
        if (description === undefined) {
          const shown = JSON.stringify(packet.message.info.slice(0, 100))
          return { fail: new RegisterMalformedError(register, `unreadable description ${shown}`) }
        }
        return { settle: { ...description, register, server: packet.sender } }
      },
    })
    if (this.#known.size >= MAX_DESCRIPTIONS) this.#known.clear()
    const { register: _r, server: _s, ...description } = answer
    this.#known.set(`${answer.server.key}|${register}`, description)
    return answer
  }
}
