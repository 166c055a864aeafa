import { checkBigInt, checkBytes, checkInt } from '../check.ts'
import { AppOpcode } from '../constants.ts'
import { WireDecodeError } from '../errors.ts'
import { readU16, readU64, writeU16, writeU64 } from '../int.ts'
import { newPlaintext } from './plaintext.ts'

/** Opcode 4: calls function `fn` (u16; 0–4095 reserved, §12) with `args`. The packet counter identifies the call (§7.3). */
export type RpcCall = { type: 'rpc-call'; fn: number; args: Uint8Array }

/**
 * Opcode 5: answers the call sent with packet counter `callCounter` (§7.4).
 * `status` 0 = success with result `data`; otherwise `data` is UTF-8 error text (see `RpcStatus`).
 */
export type RpcResponse = { type: 'rpc-response'; callCounter: bigint; status: number; data: Uint8Array }

/** Encodes an RPC call plaintext: opcode ‖ u16 fn ‖ args. */
export function encodeRpcCall(msg: RpcCall): Uint8Array {
  const fn = checkInt('fn', msg.fn, 0xffff)
  const args = checkBytes('args', msg.args)
  const out = newPlaintext(AppOpcode.RpcCall, 2 + args.length)
  writeU16(out, 1, fn)
  out.set(args, 3)
  return out
}

/** Decodes an RPC call plaintext; `args` is a subarray. */
export function decodeRpcCall(plaintext: Uint8Array): RpcCall {
  if (plaintext.length < 3)
    throw new WireDecodeError('TRUNCATED', 1, 'rpc call: needs a 2-byte function number')
  return { type: 'rpc-call', fn: readU16(plaintext, 1), args: plaintext.subarray(3) }
}

/** Encodes an RPC response plaintext: opcode ‖ u64 call counter ‖ u16 status ‖ data. */
export function encodeRpcResponse(msg: RpcResponse): Uint8Array {
  const callCounter = checkBigInt('callCounter', msg.callCounter)
  const status = checkInt('status', msg.status, 0xffff)
  const data = checkBytes('data', msg.data)
  const out = newPlaintext(AppOpcode.RpcResponse, 10 + data.length)
  writeU64(out, 1, callCounter)
  writeU16(out, 9, status)
  out.set(data, 11)
  return out
}

/** Decodes an RPC response plaintext; `data` is a subarray. */
export function decodeRpcResponse(plaintext: Uint8Array): RpcResponse {
  if (plaintext.length < 11)
    throw new WireDecodeError(
      'TRUNCATED',
      1,
      'rpc response: needs an 8-byte call counter and a 2-byte status',
    )
  return {
    type: 'rpc-response',
    callCounter: readU64(plaintext, 1),
    status: readU16(plaintext, 9),
    data: plaintext.subarray(11),
  }
}
