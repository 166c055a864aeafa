/**
 * @packageDocumentation
 * Pavillion traffic from packet captures: reads pcap and pcapng files (tcpdump,
 * Wireshark, dumpcap), unwraps UDP from Ethernet, Linux cooked (SLL, SLL2), raw
 * IPv4/IPv6 and loopback frames, follows the Pavillion handshakes it sees with
 * the keys it is given (PSKs by client ID, X25519 secret keys) and decodes every
 * datagram: setup messages always, application messages when a key allows.
 * Datagrams it cannot decode come back with the reason. It never throws on
 * the packets; a file that is not a capture, or is cut short, raises a
 * {@link CaptureError} after the packets before the damage.
 *
 * The package also ships a Wireshark Lua dissector, `wireshark/pavillion.lua`.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises'
 * import { openCaptureDecoder, recordText } from '@pavillion/capture'
 * import { parseClientId, parsePsk } from 'pavillion'
 *
 * const decoder = await openCaptureDecoder({
 *   psk: [{ clientId: parseClientId('sensor-000000001'), psk: parsePsk(process.env.PAVILLION_PSK!) }],
 * })
 * for (const record of decoder.records(await readFile('session.pcap'))) console.log(recordText(record, 0n))
 * console.log(decoder.summary(), decoder.problems())
 * ```
 */

export {
  CaptureDecoder,
  type CaptureRecord,
  type CaptureSummary,
  openCaptureDecoder,
} from './capture-decoder.ts'
export { type CapturedPacket, type CaptureFormat, captureFormat, readCapture } from './capture-file.ts'
export { DatagramDecoder, type Decoded, type Direction, type UndecodedReason } from './decoder.ts'
export { isoTime, jsonValue, recordFields, recordText } from './describe.ts'
export { CaptureError, type CaptureErrorReason } from './errors.ts'
export type { CaptureKeys } from './handshake.ts'
export { type IpResult, type UdpDatagram, udpOf } from './ip.ts'
export { ipPacketOf, type LinkResult, LinkType } from './link.ts'
