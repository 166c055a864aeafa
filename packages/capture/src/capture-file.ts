import { CaptureError } from './errors.ts'
import { readPcap } from './pcap.ts'
import { readPcapng } from './pcapng.ts'

/** One packet of a capture file: the frame as captured, with its link type and time. */
export interface CapturedPacket {
  /** 1-based position in the file, as Wireshark numbers frames. */
  readonly index: number
  /** The link-layer header type (LINKTYPE_* of the tcpdump.org list): 1 Ethernet, 113 Linux cooked, … */
  readonly linkType: number
  /** Capture time in nanoseconds since the Unix epoch (as precise as the file records it; 0 for pcapng simple packet blocks, which carry none). */
  readonly timeNs: bigint
  /** The captured bytes (a subarray of the file: no copy). */
  readonly data: Uint8Array
  /** The frame's length on the wire; more than `data.length` when the capture's snap length cut it. */
  readonly originalLength: number
}

/** The container formats this reader understands. */
export type CaptureFormat = 'pcap' | 'pcapng'

const PCAPNG_SHB = 0x0a0d0d0a
const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1])

/**
 * The format of a capture file from its first four bytes, or undefined.
 */
export function captureFormat(file: Uint8Array): CaptureFormat | undefined {
  if (file.length < 4) return undefined
  const magic = new DataView(file.buffer, file.byteOffset, 4).getUint32(0, false)
  if (magic === PCAPNG_SHB) return 'pcapng'
  if (PCAP_MAGICS.has(magic)) return 'pcap'
  return undefined
}

/**
 * Reads every packet of a pcap or pcapng file, in file order. Lazy: packets
 * are yielded as they are read, so a file cut short still yields its
 * complete packets before the error.
 *
 * @throws CaptureError `NOT_A_CAPTURE` when the file is neither format; `TRUNCATED`,
 *   `MALFORMED` or `UNSUPPORTED` at the first record that cannot be read
 */
export function* readCapture(file: Uint8Array): Generator<CapturedPacket, void, undefined> {
  switch (captureFormat(file)) {
    case 'pcap':
      yield* readPcap(file)
      return
    case 'pcapng':
      yield* readPcapng(file)
      return
    default:
      throw new CaptureError(
        'NOT_A_CAPTURE',
        0,
        file.length < 4
          ? `not a capture file: only ${file.length} bytes`
          : 'not a pcap or pcapng capture file (no known magic number at its start)',
      )
  }
}
