import { loadCrypto, type PavillionCrypto } from 'pavillion/crypto'
import { type CapturedPacket, readCapture } from './capture-file.ts'
import { DatagramDecoder, type Decoded } from './decoder.ts'
import type { CaptureKeys } from './handshake.ts'
import { type IpResult, udpOf } from './ip.ts'
import { ipPacketOf } from './link.ts'

/** One UDP datagram of a capture, decoded. */
export interface CaptureRecord {
  /** The packet's number in the file (1-based, as Wireshark counts frames). */
  readonly index: number
  /** Capture time, ns since the Unix epoch. */
  readonly timeNs: bigint
  /** `ADDRESS:PORT` (IPv6 `[ADDRESS]:PORT`). */
  readonly src: string
  readonly dst: string
  /** UDP payload size on the wire, in bytes. */
  readonly size: number
  readonly decoded: Decoded
}

/** Counts of what a capture held, for a closing line. */
export interface CaptureSummary {
  /** Every packet in the file. */
  packets: number
  /** Packets that are not UDP over IP (ARP, TCP, ICMP, …), skipped. */
  skipped: number
  /** UDP datagrams (each one is a record). */
  udp: number
  /** Records decoded: setup messages and opened secure messages. */
  decoded: number
  /** Records listed with the reason they were not decoded. */
  undecoded: number
  /** Records that are not Pavillion at all (no magic, bad UDP/IP). */
  foreign: number
}

/**
 * Reads captures and decodes the Pavillion traffic in them, following
 * handshakes across the whole file. One decoder keeps its session state
 * between files, so several captures of one network may be read in order.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises'
 * import { openCaptureDecoder } from '@pavillion/capture'
 * import { parseClientId, parsePsk } from 'pavillion'
 *
 * const decoder = await openCaptureDecoder({ psk: [{ clientId: parseClientId('sensor-000000001'), psk: parsePsk(process.env.PSK!) }] })
 * for (const record of decoder.records(await readFile('session.pcap'))) console.log(record.index, record.decoded.kind)
 * ```
 */
export class CaptureDecoder {
  readonly #datagrams: DatagramDecoder
  readonly #summary: CaptureSummary = { packets: 0, skipped: 0, udp: 0, decoded: 0, undecoded: 0, foreign: 0 }

  constructor(crypto: PavillionCrypto, keys: CaptureKeys = {}) {
    this.#datagrams = new DatagramDecoder(crypto, keys)
  }

  /**
   * Every UDP datagram of a pcap or pcapng file, decoded, in file order. The
   * file is read twice: a first pass learns the session keys from every
   * handshake, so datagrams sent before their handshake completed (a client
   * that sends while its nonce request is still in flight) decode too.
   * A file cut short yields its complete packets, then throws.
   *
   * @throws CaptureError when the file is not a capture, or where it is truncated or malformed
   */
  *records(file: Uint8Array): Generator<CaptureRecord, void, undefined> {
    try {
      for (const { packet, ip } of this.#udp(file, false))
        if (ip.kind === 'udp') this.#datagrams.learn(ip.datagram, packet.index)
    } catch {
      // The second pass stops at the same place and throws the same error.
    }
    for (const { packet, ip } of this.#udp(file, true)) {
      const base = { index: packet.index, timeNs: packet.timeNs }
      if (ip.kind === 'bad-udp') {
        const decoded: Decoded = { kind: 'undecoded', reason: 'BAD_PACKET', detail: ip.reason }
        this.#count(decoded)
        yield { ...base, src: ip.src, dst: ip.dst, size: 0, decoded }
        continue
      }
      const { datagram } = ip
      const decoded = this.#datagrams.decode(datagram, packet.index)
      this.#count(decoded)
      const size = datagram.payload.length + datagram.missing
      yield { ...base, src: datagram.src, dst: datagram.dst, size, decoded }
    }
  }

  /** The UDP packets of a file (counted in the summary when `count`), other packets skipped. */
  *#udp(
    file: Uint8Array,
    count: boolean,
  ): Generator<{ packet: CapturedPacket; ip: Exclude<IpResult, { kind: 'other' }> }> {
    for (const packet of readCapture(file)) {
      if (count) this.#summary.packets++
      const link = ipPacketOf(packet.linkType, packet.data)
      const ip = link.kind === 'ip' ? udpOf(link.version, link.packet) : undefined
      if (ip === undefined || ip.kind === 'other') {
        if (count) this.#summary.skipped++
        continue
      }
      if (count) this.#summary.udp++
      yield { packet, ip }
    }
  }

  /** What the files read so far held. */
  summary(): Readonly<CaptureSummary> {
    return { ...this.#summary }
  }

  /** Keys given that the capture contradicts, one sentence each (empty when none). */
  problems(): string[] {
    return this.#datagrams.problems()
  }

  #count(decoded: Decoded): void {
    if (decoded.kind !== 'undecoded') this.#summary.decoded++
    else {
      this.#summary.undecoded++
      if (decoded.reason === 'NOT_PAVILLION' || decoded.reason === 'BAD_PACKET') this.#summary.foreign++
    }
  }
}

/** Loads libsodium and returns a {@link CaptureDecoder} holding `keys`. */
export async function openCaptureDecoder(keys: CaptureKeys = {}): Promise<CaptureDecoder> {
  return new CaptureDecoder(await loadCrypto(), keys)
}
