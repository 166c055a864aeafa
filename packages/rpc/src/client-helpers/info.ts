import {
  type Descriptor,
  decodeDescriptorsResult,
  decodeIdentityResult,
  decodeWhatIsResult,
  encodeWhatIsArgs,
  type Identity,
  ReservedFunction,
} from '@pavillion/wire'
import { utf8Lenient } from '../bytes.ts'
import type { CallOptions } from '../call-options.ts'
import type { Caller } from './caller.ts'

// Self-description helpers (PROTOCOL.md §12). Results that do not decode reject with WireDecodeError.

/** Echo (0). */
export function echo(caller: Caller, data: Uint8Array, options?: CallOptions): Promise<Uint8Array> {
  return caller.call(ReservedFunction.Echo, data, options)
}

/** What-is (1): the first line of the name, empty when the function has none. */
export async function whatIs(caller: Caller, fn: number, options?: CallOptions): Promise<string> {
  return decodeWhatIsResult(await caller.call(ReservedFunction.WhatIs, encodeWhatIsArgs(fn), options))
}

/** Status (6): the non-empty lines, decoded leniently. */
export async function status(caller: Caller, options?: CallOptions): Promise<string[]> {
  const text = utf8Lenient(await caller.call(ReservedFunction.Status, undefined, options))
  return text.split('\n').filter((line) => line !== '')
}

/** Identity (7). */
export async function identity(caller: Caller, options?: CallOptions): Promise<Identity> {
  return decodeIdentityResult(await caller.call(ReservedFunction.Identity, undefined, options))
}

/** Descriptors (8). */
export async function descriptors(caller: Caller, options?: CallOptions): Promise<Descriptor[]> {
  return decodeDescriptorsResult(await caller.call(ReservedFunction.Descriptors, undefined, options))
}
