import type { ClientInfo } from '@pavillion/core'
import { InvalidArgumentError } from '@pavillion/core'
import { type Datatype, decodeValue, encodeValue, type ValueOf } from './codecs.ts'
import { checkNames, type RegisterDescription } from './texts.ts'

/** What a writer is told besides the value. */
export interface WriteContext {
  /** The session that wrote. */
  readonly client: ClientInfo
  /** The register written. */
  readonly register: number
}

/**
 * Applies a value a client wrote; when it returns (or its promise resolves)
 * the register holds the value and observers are notified. Throw a
 * `RegisterWriteError` to refuse with a reason; anything else is `failed`.
 */
export type Writer<D extends Datatype> = (
  value: ValueOf<D>,
  context: WriteContext,
) => void | PromiseLike<void>

/** A register to declare on a server. */
export interface RegisterDeclaration<D extends Datatype = Datatype> {
  /** 0–65534. */
  readonly register: number
  /** Starts with a letter; letters, digits, `_`, `-`, `.` (≤ 64). */
  readonly name: string
  readonly datatype: D
  /** Interface identifier, e.g. `pavillion.temperature`; default empty. */
  readonly interface?: string
  /** Free text; default empty. */
  readonly description?: string
  /** Initial value; default the datatype's zero (0, false, '', empty bytes, null). */
  readonly value?: ValueOf<D>
  /** Present: clients may write. Absent: read-only (writes are refused `read-only`). */
  readonly writer?: Writer<D>
}

const ZERO: { [D in Datatype]: ValueOf<D> } = {
  bytes: new Uint8Array(0),
  utf8: '',
  u8: 0,
  u16: 0,
  u32: 0,
  i32: 0,
  f32: 0,
  f64: 0,
  bool: false,
  json: null,
}

/**
 * A declared register: its description, current value (bytes and version)
 * and writer. `set()` changes the value and notifies observers.
 */
export class DeclaredRegister<D extends Datatype = Datatype> {
  /** The register number. */
  readonly register: number
  /** Name, datatype, interface, description and whether it is writable. */
  readonly description: RegisterDescription
  /** The writer, if clients may write. */
  readonly writer: Writer<D> | undefined
  #bytes: Uint8Array
  #version = 0
  #removed = false
  readonly #changed: (register: DeclaredRegister<D>) => void

  /**
   * Use `RegistersServer.declare`.
   * @throws InvalidArgumentError for a bad name, interface or initial value
   */
  constructor(declaration: RegisterDeclaration<D>, changed: (register: DeclaredRegister<D>) => void) {
    const iface = declaration.interface ?? ''
    checkNames(declaration.name, iface)
    if (declaration.writer !== undefined && typeof declaration.writer !== 'function') {
      throw new InvalidArgumentError(`"writer" expected a function, got ${typeof declaration.writer}`)
    }
    this.register = declaration.register
    this.writer = declaration.writer
    this.description = {
      name: declaration.name,
      datatype: declaration.datatype,
      interface: iface,
      description: declaration.description ?? '',
      writable: declaration.writer !== undefined,
    }
    this.#bytes = encodeValue(declaration.datatype, declaration.value ?? ZERO[declaration.datatype])
    this.#changed = changed
  }

  /** The datatype. */
  get datatype(): D {
    return this.description.datatype as D
  }

  /** The current value. */
  get value(): ValueOf<D> {
    return decodeValue(this.datatype, this.#bytes)
  }

  /** The current value's bytes (do not modify). */
  get bytes(): Uint8Array {
    return this.#bytes
  }

  /** Goes up by one at every change. */
  get version(): number {
    return this.#version
  }

  /** True once removed from its server. */
  get removed(): boolean {
    return this.#removed
  }

  /**
   * Changes the value and notifies every observer (coalesced by each one's rate limit).
   * @throws InvalidArgumentError for a value that is not of the datatype
   */
  set(value: ValueOf<D>): void {
    this.setBytes(encodeValue(this.datatype, value))
  }

  /** Changes the value to already checked bytes. */
  setBytes(bytes: Uint8Array): void {
    if (this.#removed) return
    this.#bytes = bytes
    this.#version++
    this.#changed(this)
  }

  /** Marks it removed (its server forgets it). */
  markRemoved(): void {
    this.#removed = true
  }
}

/** The directory register's value: the register numbers as u16 little-endian, ascending. */
export function directoryBytes(registers: readonly number[]): Uint8Array {
  const numbers = [...registers].sort((a, b) => a - b)
  const bytes = new Uint8Array(numbers.length * 2)
  const view = new DataView(bytes.buffer)
  for (const [i, n] of numbers.entries()) view.setUint16(2 * i, n, true)
  return bytes
}
