import type { CapturedPacket } from './capture-file.ts'
import { CaptureError } from './errors.ts'

/** Size of the file header and of each record header of the classic format. */
const FILE_HEADER = 24
const RECORD_HEADER = 16
/**
 * Largest record accepted when the snap length says less: libpcap's own
 * ceiling (MAXIMUM_SNAPLEN). A larger length is a damaged header, not a packet.
 */
export const MAX_RECORD_LENGTH = 262_144

/**
 * Reads a classic pcap file (the format of tcpdump -w): either byte order,
 * microsecond or nanosecond timestamps (magic a1b2c3d4 / a1b23c4d).
 *
 * @throws CaptureError `TRUNCATED`, `MALFORMED` or `UNSUPPORTED` where the file stops making sense
 */
export function* readPcap(file: Uint8Array): Generator<CapturedPacket, void, undefined> {
  if (file.length < FILE_HEADER)
    throw new CaptureError(
      'TRUNCATED',
      file.length,
      `pcap file ends inside its ${FILE_HEADER}-byte header (${file.length} bytes)`,
    )
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const magic = view.getUint32(0, false)
  const little = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1
  const major = view.getUint16(4, little)
  if (major !== 2)
    throw new CaptureError('UNSUPPORTED', 4, `pcap version ${major} is not supported (only 2.x)`)
  const snapLength = view.getUint32(16, little)
  // The upper bits of the link-type field carry FCS information; the type is the low 16 bits.
  const linkType = view.getUint32(20, little) & 0xffff
  const limit = Math.max(snapLength, MAX_RECORD_LENGTH)
  let offset = FILE_HEADER
  for (let index = 1; offset < file.length; index++) {
    if (file.length - offset < RECORD_HEADER)
      throw new CaptureError(
        'TRUNCATED',
        offset,
        `pcap file is truncated: packet ${index} at byte ${offset} ends inside its record header`,
      )
    const seconds = view.getUint32(offset, little)
    const fraction = view.getUint32(offset + 4, little)
    const captured = view.getUint32(offset + 8, little)
    const original = view.getUint32(offset + 12, little)
    if (captured > limit)
      throw new CaptureError(
        'MALFORMED',
        offset + 8,
        `pcap record ${index} at byte ${offset} claims ${captured} bytes, more than the ${limit}-byte limit`,
      )
    const start = offset + RECORD_HEADER
    if (file.length - start < captured)
      throw new CaptureError(
        'TRUNCATED',
        offset,
        `pcap file is truncated: packet ${index} at byte ${offset} needs ${captured} bytes, ${file.length - start} remain`,
      )
    yield {
      index,
      linkType,
      timeNs: BigInt(seconds) * 1_000_000_000n + BigInt(fraction) * (nanos ? 1n : 1000n),
      data: file.subarray(start, start + captured),
      originalLength: Math.max(original, captured),
    }
    offset = start + captured
  }
}
