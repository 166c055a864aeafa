import { MAC_LENGTH, NONCE_LENGTH } from './constants.ts'
import type { Sodium } from './sodium.ts'

/** The part of libsodium's raw Emscripten module the fast path uses (64-bit lengths are passed as two 32-bit halves). */
interface RawSodium {
  readonly HEAPU8: Uint8Array
  _malloc(size: number): number
  _free(pointer: number): void
  _crypto_secretbox_easy(c: number, m: number, lenLow: number, lenHigh: number, n: number, k: number): number
  _crypto_secretbox_open_easy(
    m: number,
    c: number,
    lenLow: number,
    lenHigh: number,
    n: number,
    k: number,
  ): number
}

const KEY_BYTES = 32
const COUNTER_OFFSET = NONCE_LENGTH - 8

/**
 * Secretbox with the counter nonce straight on libsodium's WebAssembly
 * memory: one scratch region (key, nonce, message, box) allocated once and
 * grown on demand, so a packet costs two copies and no allocation inside the
 * module. The key is wiped from the scratch region after every call.
 * Single-threaded, like the module itself.
 */
export class WasmSecretbox {
  readonly #raw: RawSodium
  // The module object has hundreds of properties (a slow dictionary lookup each):
  // the two functions are read once, the memory view again only when it was detached.
  readonly #seal: RawSodium['_crypto_secretbox_easy']
  readonly #open: RawSodium['_crypto_secretbox_open_easy']
  #heap: Uint8Array
  #view: DataView
  #base = 0
  #capacity = 0

  constructor(sodium: Sodium) {
    this.#raw = (sodium as unknown as { libsodium: RawSodium }).libsodium
    this.#seal = this.#raw._crypto_secretbox_easy
    this.#open = this.#raw._crypto_secretbox_open_easy
    this.#heap = this.#raw.HEAPU8
    this.#view = new DataView(this.#heap.buffer)
  }

  /** Whether the running libsodium build exposes what this fast path needs. */
  static supported(sodium: Sodium): boolean {
    const raw = (sodium as unknown as { libsodium?: Partial<RawSodium> }).libsodium
    return (
      typeof raw?._malloc === 'function' &&
      typeof raw._crypto_secretbox_easy === 'function' &&
      typeof raw._crypto_secretbox_open_easy === 'function' &&
      raw.HEAPU8 instanceof Uint8Array
    )
  }

  /** Writes tag ‖ ciphertext of `plaintext` under N(counter) and `key` into `target` at `offset`. */
  sealInto(
    target: Uint8Array,
    offset: number,
    plaintext: Uint8Array,
    counter: bigint,
    key: Uint8Array,
  ): void {
    const length = plaintext.length
    this.#reserve(length + MAC_LENGTH)
    const keyAt = this.#base
    const nonceAt = keyAt + KEY_BYTES
    const messageAt = nonceAt + NONCE_LENGTH
    const boxAt = messageAt + this.#capacity
    const heap = this.#prepare(key, counter, keyAt, nonceAt)
    heap.set(plaintext, messageAt)
    const status = this.#seal(boxAt, messageAt, length, 0, nonceAt, keyAt)
    const heapAfter = this.#memory()
    heapAfter.fill(0, keyAt, keyAt + KEY_BYTES)
    if (status !== 0) throw new Error('crypto_secretbox_easy failed')
    target.set(heapAfter.subarray(boxAt, boxAt + length + MAC_LENGTH), offset)
  }

  /**
   * The plaintext of `box` (tag ‖ ciphertext) under N(counter) and `key`, in
   * an array from `allocate`, or undefined when it does not authenticate.
   */
  openInto(
    box: Uint8Array,
    counter: bigint,
    key: Uint8Array,
    allocate: (length: number) => Uint8Array,
  ): Uint8Array | undefined {
    const length = box.length
    this.#reserve(length)
    const keyAt = this.#base
    const nonceAt = keyAt + KEY_BYTES
    const messageAt = nonceAt + NONCE_LENGTH
    const boxAt = messageAt + this.#capacity
    const heap = this.#prepare(key, counter, keyAt, nonceAt)
    heap.set(box, boxAt)
    const status = this.#open(messageAt, boxAt, length, 0, nonceAt, keyAt)
    const heapAfter = this.#memory()
    heapAfter.fill(0, keyAt, keyAt + KEY_BYTES)
    if (status !== 0) return undefined
    const out = allocate(length - MAC_LENGTH)
    out.set(heapAfter.subarray(messageAt, messageAt + length - MAC_LENGTH))
    return out
  }

  /** Writes the key and the counter (the nonce's 16 zero bytes stay from `#reserve`); returns the memory view. */
  #prepare(key: Uint8Array, counter: bigint, keyAt: number, nonceAt: number): Uint8Array {
    const heap = this.#memory()
    heap.set(key, keyAt)
    this.#view.setBigUint64(nonceAt + COUNTER_OFFSET, counter, true)
    return heap
  }

  /** The module's memory; a grown memory detaches the old view (length 0), so it is read again then. */
  #memory(): Uint8Array {
    if (this.#heap.length === 0) {
      this.#heap = this.#raw.HEAPU8
      this.#view = new DataView(this.#heap.buffer)
    }
    return this.#heap
  }

  /**
   * Grows the scratch region (key, nonce, then two areas of `#capacity`
   * bytes: message and box) to hold a `boxLength`-byte box.
   */
  #reserve(boxLength: number): void {
    if (boxLength <= this.#capacity) return
    if (this.#base !== 0) this.#raw._free(this.#base)
    const capacity = Math.max(2048, 2 ** Math.ceil(Math.log2(boxLength)))
    this.#base = this.#raw._malloc(KEY_BYTES + NONCE_LENGTH + 2 * capacity)
    if (this.#base === 0) throw new Error('libsodium could not allocate its scratch memory')
    this.#capacity = capacity
    // The counter nonce starts with 16 zero bytes; nothing writes there afterwards.
    const nonceAt = this.#base + KEY_BYTES
    this.#memory().fill(0, nonceAt, nonceAt + COUNTER_OFFSET)
  }
}
