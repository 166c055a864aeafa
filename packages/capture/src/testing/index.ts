/**
 * @packageDocumentation
 * Writes small pcap and pcapng captures from UDP datagrams, for tests of
 * tools that read captures (this package's and the CLI's `decode`).
 *
 * @example
 * ```ts
 * import { captureOf } from '@pavillion/capture/testing'
 *
 * const bytes = captureOf([{ src: ['127.0.0.1', 40000], dst: ['127.0.0.1', 1783], payload }], { link: 'raw' })
 * ```
 */
export {
  captureOf,
  frame,
  ipUdp,
  LINK_TYPES,
  pcapFile,
  pcapngFile,
  type TestDatagram,
  type TestLink,
} from './capture-writer.ts'
