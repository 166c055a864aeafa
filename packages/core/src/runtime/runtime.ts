/**
 * The clock and the one timer a driver needs, injected from the edge
 * (`@pavillion/transport-node` provides the Node.js one; tests use a manual clock).
 */
export interface Runtime {
  /** Monotonic time in ms. */
  now(): number
  /** Calls `callback` once at (or soon after) absolute time `at`; returns a function that cancels it. */
  setTimer(at: number, callback: () => void): () => void
  /** Unix time in ms minus `now()`: lets the engine answer time-sync requests with wall-clock time. */
  wallClockOffset(): number
}
