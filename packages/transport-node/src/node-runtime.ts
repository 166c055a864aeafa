import { performance } from 'node:perf_hooks'
import type { Runtime } from '@pavillion/core'

/**
 * The Node.js `Runtime`: `performance.now()` as the monotonic clock, one
 * `setTimeout` per armed deadline (unref'd, so an idle endpoint never keeps
 * the process alive on its own; its socket does that while open).
 */
export function nodeRuntime(): Runtime {
  return {
    now: () => performance.now(),
    setTimer(at, callback) {
      const timer = setTimeout(callback, Math.max(0, at - performance.now()))
      timer.unref()
      return () => clearTimeout(timer)
    },
    wallClockOffset: () => Date.now() - performance.now(),
  }
}
