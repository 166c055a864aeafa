import { MAC_LENGTH, NONCE_LENGTH } from './constants.ts'
import { CryptoError } from './errors.ts'
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
  #capacity = 0
  // The scratch region's layout (it starts at the key): key, nonce, then message and box areas of `#capacity` bytes each.
  #keyAt = 0
  #nonceAt = 0
  #messageAt = 0
  #boxAt = 0

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
    const boxAt = this.#boxAt
    this.#prepare(key, counter).set(plaintext, this.#messageAt)
    const status = this.#seal(boxAt, this.#messageAt, length, 0, this.#nonceAt, this.#keyAt)
    const heap = this.#wipeKey()
    if (status !== 0) throw new CryptoError('ERR_CRYPTO_FAILED', 'crypto_secretbox_easy failed')
    target.set(heap.subarray(boxAt, boxAt + length + MAC_LENGTH), offset)
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
    const messageAt = this.#messageAt
    this.#prepare(key, counter).set(box, this.#boxAt)
    const status = this.#open(messageAt, this.#boxAt, length, 0, this.#nonceAt, this.#keyAt)
    const heap = this.#wipeKey()
    if (status !== 0) return undefined
    const out = allocate(length - MAC_LENGTH)
    out.set(heap.subarray(messageAt, messageAt + length - MAC_LENGTH))
    return out
  }

  /** Writes the key and the counter (the nonce's 16 zero bytes stay from `#reserve`); returns the memory view. */
  #prepare(key: Uint8Array, counter: bigint): Uint8Array {
    const heap = this.#memory()
    heap.set(key, this.#keyAt)
    this.#view.setBigUint64(this.#nonceAt + COUNTER_OFFSET, counter, true)
    return heap
  }

  /** Zeroes the key in the scratch region after a call; returns the (possibly new) memory view. */
  #wipeKey(): Uint8Array {
    const heap = this.#memory()
    heap.fill(0, this.#keyAt, this.#keyAt + KEY_BYTES)
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
    if (this.#keyAt !== 0) this.#raw._free(this.#keyAt)
    this.#capacity = 0 // until the new region exists: a failed allocation must not leave the old layout usable
    const capacity = Math.max(2048, 2 ** Math.ceil(Math.log2(boxLength)))
    this.#keyAt = this.#raw._malloc(KEY_BYTES + NONCE_LENGTH + 2 * capacity)
    if (this.#keyAt === 0)
      throw new CryptoError('ERR_CRYPTO_FAILED', 'libsodium could not allocate its scratch memory')
    this.#capacity = capacity
    this.#nonceAt = this.#keyAt + KEY_BYTES
    this.#messageAt = this.#nonceAt + NONCE_LENGTH
    this.#boxAt = this.#messageAt + capacity
    // The counter nonce starts with 16 zero bytes; nothing writes there afterwards.
    this.#memory().fill(0, this.#nonceAt, this.#nonceAt + COUNTER_OFFSET)
  }
}
