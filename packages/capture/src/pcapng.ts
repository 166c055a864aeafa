import type { CapturedPacket } from './capture-file.ts'
import { CaptureError } from './errors.ts'
import { MAX_RECORD_LENGTH } from './pcap.ts'

/** Block types (the section header type reads the same in both byte orders) of pcapng (draft-ietf-opsawg-pcapng) this reader acts on; the others are skipped. */
const BLOCK = {
  section: 0x0a0d0d0a,
  interface: 0x00000001,
  obsoletePacket: 0x00000002,
  simplePacket: 0x00000003,
  enhancedPacket: 0x00000006,
} as const
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
/** Option codes of an interface description block. */
const IF_TSRESOL = 9
const IF_TSOFFSET = 14
/** Upper bound on interfaces per section, so a hostile file cannot make the table grow without end. */
const MAX_INTERFACES = 4096

/** What a section's interface description says about its packets. */
interface Interface {
  readonly linkType: number
  readonly snapLength: number
  /** Timestamp units to nanoseconds. */
  readonly toNanos: (units: bigint) => bigint
}

/** The conversion of `if_tsresol` (default 10^-6 s): units → ns, then `if_tsoffset` seconds added. */
function clock(resolution: number, offsetSeconds: bigint): (units: bigint) => bigint {
  const offset = offsetSeconds * 1_000_000_000n
  const exponent = BigInt(resolution & 0x7f)
  if ((resolution & 0x80) !== 0) return (units) => (units * 1_000_000_000n) / (1n << exponent) + offset
  if (exponent <= 9n) {
    const scale = 10n ** (9n - exponent)
    return (units) => units * scale + offset
  }
  const divisor = 10n ** (exponent - 9n)
  return (units) => units / divisor + offset
}

/** A block's position and view, for the readers below. */
interface Block {
  readonly view: DataView
  readonly little: boolean
  readonly start: number
  readonly length: number
}

/** The interface described by an IDB, its options read for the time resolution and offset. */
function readInterface(b: Block): Interface {
  const { view, little, start, length } = b
  if (length < 20) throw malformed(start, `interface block of ${length} bytes is too short`)
  let resolution = 6
  let offsetSeconds = 0n
  for (let o = start + 16; o + 4 <= start + length - 4; ) {
    const code = view.getUint16(o, little)
    const size = view.getUint16(o + 2, little)
    if (code === 0) break
    if (o + 4 + size > start + length - 4) throw malformed(o, 'interface option runs past its block')
    if (code === IF_TSRESOL && size >= 1) resolution = view.getUint8(o + 4)
    if (code === IF_TSOFFSET && size >= 8) offsetSeconds = view.getBigInt64(o + 4, little)
    o += 4 + ((size + 3) & ~3)
  }
  return {
    linkType: view.getUint16(start + 8, little),
    snapLength: view.getUint32(start + 12, little),
    toNanos: clock(resolution, offsetSeconds),
  }
}

function malformed(offset: number, what: string): CaptureError {
  return new CaptureError('MALFORMED', offset, `pcapng ${what} (at byte ${offset})`)
}

/** The byte order a section header declares, from its byte-order magic. */
function sectionOrder(view: DataView, start: number, available: number): boolean {
  if (available < 28)
    throw new CaptureError(
      'TRUNCATED',
      start,
      `pcapng file is truncated inside a section header at byte ${start}`,
    )
  if (view.getUint32(start + 8, true) === BYTE_ORDER_MAGIC) return true
  if (view.getUint32(start + 8, false) === BYTE_ORDER_MAGIC) return false
  throw malformed(start + 8, 'section header has no valid byte-order magic')
}

/**
 * Reads a pcapng file (Wireshark's and dumpcap's format): any number of
 * sections in either byte order, several interfaces with their own link type
 * and time resolution, enhanced, simple and obsolete packet blocks. Other
 * blocks (name resolution, statistics, secrets, custom) are skipped.
 *
 * @throws CaptureError `TRUNCATED`, `MALFORMED` or `UNSUPPORTED` where the file stops making sense
 */
export function* readPcapng(file: Uint8Array): Generator<CapturedPacket, void, undefined> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  let little = true
  let interfaces: Interface[] = []
  let index = 0
  for (let start = 0; start < file.length; ) {
    const available = file.length - start
    if (available < 12)
      throw new CaptureError(
        'TRUNCATED',
        start,
        `pcapng file is truncated: a block at byte ${start} ends inside its header`,
      )
    const type = view.getUint32(start, little)
    if (type === BLOCK.section) {
      little = sectionOrder(view, start, available)
      const major = view.getUint16(start + 12, little)
      if (major !== 1)
        throw new CaptureError(
          'UNSUPPORTED',
          start + 12,
          `pcapng version ${major} is not supported (only 1.x)`,
        )
      interfaces = []
    } else if (start === 0) {
      throw malformed(0, 'file does not start with a section header')
    }
    const length = view.getUint32(start + 4, little)
    if (length < 12 || length % 4 !== 0)
      throw malformed(start, `block length ${length} is not a multiple of 4 of at least 12`)
    if (length > available)
      throw new CaptureError(
        'TRUNCATED',
        start,
        `pcapng file is truncated: a block at byte ${start} needs ${length} bytes, ${available} remain`,
      )
    if (view.getUint32(start + length - 4, little) !== length)
      throw malformed(start, 'block trailer does not repeat its length')
    const block: Block = { view, little, start, length }
    if (type === BLOCK.interface) {
      if (interfaces.length >= MAX_INTERFACES)
        throw malformed(start, `section declares more than ${MAX_INTERFACES} interfaces`)
      interfaces.push(readInterface(block))
    } else if (
      type === BLOCK.enhancedPacket ||
      type === BLOCK.obsoletePacket ||
      type === BLOCK.simplePacket
    ) {
      index++
      yield packetOf(file, block, interfaces, type, index)
    }
    start += length
  }
}

/** The packet of an enhanced (EPB), obsolete (PB) or simple (SPB) packet block. */
function packetOf(
  file: Uint8Array,
  block: Block,
  interfaces: readonly Interface[],
  type: number,
  index: number,
): CapturedPacket {
  const { view, little, start, length } = block
  const bodyEnd = start + length - 4
  if (type === BLOCK.simplePacket) {
    const iface = interfaces[0]
    if (iface === undefined || length < 16) throw malformed(start, 'simple packet block without an interface')
    const original = view.getUint32(start + 8, little)
    let captured = Math.min(original, bodyEnd - (start + 12))
    if (iface.snapLength > 0) captured = Math.min(captured, iface.snapLength)
    return {
      index,
      linkType: iface.linkType,
      timeNs: 0n,
      data: file.subarray(start + 12, start + 12 + captured),
      originalLength: original,
    }
  }
  if (length < 32) throw malformed(start, 'packet block is too short')
  const obsolete = type === BLOCK.obsoletePacket
  const id = obsolete ? view.getUint16(start + 8, little) : view.getUint32(start + 8, little)
  const iface = interfaces[id]
  if (iface === undefined)
    throw malformed(
      start,
      `packet ${index} names interface ${id}, but the section declares ${interfaces.length}`,
    )
  const units =
    (BigInt(view.getUint32(start + 12, little)) << 32n) | BigInt(view.getUint32(start + 16, little))
  const captured = view.getUint32(start + 20, little)
  const original = view.getUint32(start + 24, little)
  const dataStart = start + 28
  if (captured > MAX_RECORD_LENGTH || dataStart + captured > bodyEnd)
    throw malformed(start, `packet ${index} claims ${captured} captured bytes, more than its block holds`)
  return {
    index,
    linkType: iface.linkType,
    timeNs: iface.toNanos(units),
    data: file.subarray(dataStart, dataStart + captured),
    originalLength: Math.max(original, captured),
  }
}
