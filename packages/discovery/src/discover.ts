import { InvalidArgumentError } from '@pavillion/core'
import { type BrowseOptions, browse } from './browser.ts'
import { MAX_QUEUED_EVENTS } from './constants.ts'
import type { DiscoveredServer } from './service-table.ts'

/** Options of {@link discover}. */
export interface DiscoverOptions extends BrowseOptions {
  /** Stop after this many ms (default: run until `signal` aborts or the loop breaks). */
  readonly timeoutMs?: number
}

/** One thing `discover()` saw: a server appeared, changed (moved, new TXT) or left. */
export interface DiscoveryEvent {
  readonly type: 'up' | 'changed' | 'down'
  readonly server: DiscoveredServer
}

/**
 * Browses the link for Pavillion servers and yields what it sees: `up` for
 * each server (with name, addresses, port, suites and key fingerprint),
 * `changed` when one moves, `down` when one leaves. It ends after
 * `timeoutMs`, when `signal` aborts (without throwing) or when the loop
 * breaks, and then releases its sockets. Up to 1024 events wait for a slow
 * reader; older ones are dropped.
 *
 * @example
 * ```ts
 * for await (const { type, server } of discover({ interface: '192.168.1.10', timeoutMs: 2000 })) {
 *   console.log(type, server.name, server.addresses, server.port, server.fingerprint)
 * }
 * ```
 * @throws InvalidArgumentError (on the first `next()`) for a missing or non-IP interface
 */
export async function* discover(options: DiscoverOptions): AsyncGenerator<DiscoveryEvent, void, undefined> {
  const { timeoutMs, signal } = options
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs < 0)) {
    throw new InvalidArgumentError(`"timeoutMs" expected a number of ms ≥ 0, got ${String(timeoutMs)}`)
  }
  if (signal?.aborted) return
  const stop = new AbortController()
  const signals = [stop.signal, ...(signal === undefined ? [] : [signal])]
  if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs))
  const done = AbortSignal.any(signals)
  const browser = await browse({ ...options, signal: done })
  const queue: DiscoveryEvent[] = []
  let wake: (() => void) | undefined
  const push = (event: DiscoveryEvent) => {
    if (queue.length >= MAX_QUEUED_EVENTS) queue.shift()
    queue.push(event)
    wake?.()
  }
  browser.on('up', ({ server }) => push({ type: 'up', server }))
  browser.on('changed', ({ server }) => push({ type: 'changed', server }))
  browser.on('down', ({ server }) => push({ type: 'down', server }))
  const onDone = () => wake?.()
  done.addEventListener('abort', onDone, { once: true })
  try {
    while (true) {
      const event = queue.shift()
      if (event !== undefined) {
        yield event
        continue
      }
      if (done.aborted) return
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = undefined
    }
  } finally {
    done.removeEventListener('abort', onDone)
    stop.abort()
    await browser.close()
  }
}
