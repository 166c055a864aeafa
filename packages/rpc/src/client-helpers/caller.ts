import type { CallOptions } from '../call-options.ts'

/** What the helpers call through (an `RpcClient`). */
export interface Caller {
  call(fn: number, args?: Uint8Array, options?: CallOptions): Promise<Uint8Array>
}
