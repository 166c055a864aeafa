import {
  NONCE_REQUEST_WINDOW,
  NONCE_REQUESTS_PER_WINDOW,
  NONCE_REQUESTS_PER_WINDOW_KEYED,
} from '../constants.ts'
import type { KnownServer } from './known-server.ts'

/**
 * PROTOCOL.md §9.5: the rate limit of nonce requests a client sends in answer
 * to unauthenticated hints — fixed 10 s windows, at most 9 requests (6 once
 * the server was keyed); one shared budget for sources not yet known.
 */
export class NonceBudget {
  #unknownWindowStart = Number.NEGATIVE_INFINITY
  #unknownWindowCount = 0

  /** Spends one request towards `server` (undefined: an unknown source); false when the budget is spent. */
  spend(now: number, server: KnownServer | undefined): boolean {
    if (server === undefined) {
      if (now - this.#unknownWindowStart >= NONCE_REQUEST_WINDOW) {
        this.#unknownWindowStart = now
        this.#unknownWindowCount = 0
      }
      return ++this.#unknownWindowCount <= NONCE_REQUESTS_PER_WINDOW
    }
    if (now - server.rateWindowStart >= NONCE_REQUEST_WINDOW) {
      server.rateWindowStart = now
      server.rateWindowCount = 0
    }
    const budget = server.life.everKeyed ? NONCE_REQUESTS_PER_WINDOW_KEYED : NONCE_REQUESTS_PER_WINDOW
    return ++server.rateWindowCount <= budget
  }
}
