import { checkBytes } from './check.ts'
import { WireDecodeError } from './errors.ts'
import { readU16, readU32, readU64 } from './int.ts'
import { decodeUtf8 } from './utf8.ts'

/**
 * A bounds-checked little-endian cursor over a byte array. Every read either
 * succeeds or throws {@link WireDecodeError}; byte fields are subarrays of the
 * input (no copy). Offsets in errors are relative to the array given.
 */
export class Reader {
  readonly #bytes: Uint8Array
  #pos: number
  #view: DataView | undefined

  /**
   * @param start - where reading begins (e.g. 1 to skip an opcode byte)
   * @throws InvalidArgumentError when `bytes` is not a Uint8Array
   */
  constructor(bytes: Uint8Array, start = 0) {
    this.#bytes = checkBytes('bytes', bytes)
    this.#pos = start
  }

  /** Advances over `n` bytes and returns where they start; `TRUNCATED` if fewer are left. */
  #take(n: number, what: string): number {
    const at = this.#pos
    if (this.#bytes.length - at < n)
      throw new WireDecodeError('TRUNCATED', at, `${what}: needs ${n} bytes, ${this.#bytes.length - at} left`)
    this.#pos = at + n
    return at
  }

  /** Reads a u8. */
  u8(what: string): number {
    return this.#bytes[this.#take(1, what)]!
  }

  /** Reads a u16. */
  u16(what: string): number {
    return readU16(this.#bytes, this.#take(2, what))
  }

  /** Reads a u32. */
  u32(what: string): number {
    return readU32(this.#bytes, this.#take(4, what))
  }

  /** Reads an i32. */
  i32(what: string): number {
    return readU32(this.#bytes, this.#take(4, what)) | 0
  }

  /** Reads a u64. */
  u64(what: string): bigint {
    return readU64(this.#bytes, this.#take(8, what))
  }

  /** Reads an i64. */
  i64(what: string): bigint {
    return BigInt.asIntN(64, readU64(this.#bytes, this.#take(8, what)))
  }

  /** Reads an IEEE-754 binary32. */
  f32(what: string): number {
    const at = this.#take(4, what)
    this.#view ??= new DataView(this.#bytes.buffer, this.#bytes.byteOffset, this.#bytes.byteLength)
    return this.#view.getFloat32(at, true)
  }

  /** Reads `n` bytes (a subarray). */
  bytes(n: number, what: string): Uint8Array {
    const at = this.#take(n, what)
    return this.#bytes.subarray(at, at + n)
  }

  /** Reads everything left (a subarray, possibly empty). */
  rest(): Uint8Array {
    const at = this.#pos
    this.#pos = this.#bytes.length
    return this.#bytes.subarray(at)
  }

  /** Reads everything left as UTF-8 text. */
  restUtf8(): string {
    const at = this.#pos
    this.#pos = this.#bytes.length
    return decodeUtf8(this.#bytes, at, this.#pos)
  }

  /** Reads UTF-8 text up to the next `terminator` byte, which is consumed; `MISSING_SEPARATOR` if there is none. */
  utf8Until(terminator: number, what: string): string {
    const at = this.#pos
    const end = this.#bytes.indexOf(terminator, at)
    if (end < 0)
      throw new WireDecodeError('MISSING_SEPARATOR', at, `${what}: no terminating 0x${hex2(terminator)}`)
    this.#pos = end + 1
    return decodeUtf8(this.#bytes, at, end)
  }

  /** Asserts that the input is fully consumed; `TOO_LONG` otherwise. */
  end(what: string): void {
    if (this.#pos !== this.#bytes.length)
      throw new WireDecodeError(
        'TOO_LONG',
        this.#pos,
        `${what}: ${this.#bytes.length - this.#pos} unexpected trailing bytes`,
      )
  }
}

const hex2 = (byte: number): string => byte.toString(16).padStart(2, '0')
