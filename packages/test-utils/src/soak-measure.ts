import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Memory of the process at one moment, bytes (after a forced garbage collection). */
export interface MemorySample {
  readonly heapUsed: number
  /** Bytes of ArrayBuffers (outside the heap for typed arrays over 64 bytes). */
  readonly arrayBuffers: number
  readonly rss: number
}

/** Active libuv resources by type, as `process.getActiveResourcesInfo()` lists them. */
export type HandleTally = Record<string, number>

/**
 * The garbage collector: `globalThis.gc` under `--expose-gc`, otherwise
 * exposed at run time through V8's flags (test processes only).
 */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc
  if (exposed !== undefined) return exposed
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

/** Heap and RSS after two forced collections. */
export function sampleMemory(gc: () => void): MemorySample {
  gc()
  gc()
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage()
  return { heapUsed, arrayBuffers, rss }
}

/** Two turns of the event loop: libuv drops a closed UDP handle from its list one turn after close. */
async function settleLoop(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

/** The active resources tallied by type, after {@link settleLoop}. */
export async function tallyHandles(): Promise<HandleTally> {
  await settleLoop()
  const tally: HandleTally = {}
  for (const type of process.getActiveResourcesInfo()) tally[type] = (tally[type] ?? 0) + 1
  return tally
}

/** Resource types with more instances at the end than at the start, as `type: start → end`. */
export function grownHandles(start: HandleTally, end: HandleTally): string[] {
  return Object.entries(end)
    .filter(([type, count]) => count > (start[type] ?? 0))
    .map(([type, count]) => `${type}: ${start[type] ?? 0} → ${count}`)
}
