/** Slab size: a few datagrams per allocation, and at most this much memory kept alive by one retained view. */
const SLAB_SIZE = 8 * 1024
/** Arrays up to this size are cheap to allocate on their own (V8 keeps them on its heap). */
const SMALL = 64

let slab = new ArrayBuffer(SLAB_SIZE)
let used = 0

/**
 * A zeroed byte array of `length` bytes for the per-packet hot path. From 65
 * bytes to 2 KiB it is a view into a shared 8 KiB slab (the way Node's
 * `Buffer.allocUnsafe` pools small buffers, but zero-filled): V8 makes a
 * separate backing store for each larger typed array, which costs about as
 * much as sealing the packet. Consequence for callers: `result.buffer` may
 * hold other packets — copy with `slice()` to own the bytes alone.
 */
export function allocateBytes(length: number): Uint8Array {
  if (length <= SMALL || length > SLAB_SIZE / 4) return new Uint8Array(length)
  if (used + length > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE)
    used = 0
  }
  const out = new Uint8Array(slab, used, length)
  used += (length + 7) & ~7
  return out
}
