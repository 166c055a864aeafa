import { Reader } from '../reader.ts'
import { putU32, putU64 } from '../write.ts'

// PavTime (5), deprecated in favour of opcodes 20/21 (§12). The second
// argument is described as "32 byte" by the docs; read here as u32 nanoseconds.

/** Arguments of PavTime (5): the sender's transmit time (Unix seconds and nanoseconds). */
export type PavTimeArgs = { txSeconds: bigint; txNanos: number }

/** Result of PavTime (5): the echoed transmit time, the receive time and the maximum error in µs. */
export type PavTimeResult = {
  txSeconds: bigint
  txNanos: number
  rxSeconds: bigint
  rxNanos: number
  maxErrorUs: number
}

/** Encodes PavTime (5) arguments: u64 seconds ‖ u32 nanoseconds. */
export function encodePavTimeArgs(args: PavTimeArgs): Uint8Array {
  const out = new Uint8Array(12)
  putU32(out, putU64(out, 0, 'txSeconds', args.txSeconds), 'txNanos', args.txNanos)
  return out
}

/** Decodes PavTime (5) arguments (exactly 12 bytes). */
export function decodePavTimeArgs(bytes: Uint8Array): PavTimeArgs {
  const r = new Reader(bytes)
  const args = { txSeconds: r.u64('txSeconds'), txNanos: r.u32('txNanos') }
  r.end('PavTime arguments')
  return args
}

/** Encodes a PavTime (5) result: u64 tx ‖ u32 tx ns ‖ u64 rx ‖ u32 rx ns ‖ u32 max error µs. */
export function encodePavTimeResult(result: PavTimeResult): Uint8Array {
  const out = new Uint8Array(28)
  let o = putU64(out, 0, 'txSeconds', result.txSeconds)
  o = putU32(out, o, 'txNanos', result.txNanos)
  o = putU64(out, o, 'rxSeconds', result.rxSeconds)
  o = putU32(out, o, 'rxNanos', result.rxNanos)
  putU32(out, o, 'maxErrorUs', result.maxErrorUs)
  return out
}

/** Decodes a PavTime (5) result (exactly 28 bytes). */
export function decodePavTimeResult(bytes: Uint8Array): PavTimeResult {
  const r = new Reader(bytes)
  const result = {
    txSeconds: r.u64('txSeconds'),
    txNanos: r.u32('txNanos'),
    rxSeconds: r.u64('rxSeconds'),
    rxNanos: r.u32('rxNanos'),
    maxErrorUs: r.u32('maxErrorUs'),
  }
  r.end('PavTime result')
  return result
}
