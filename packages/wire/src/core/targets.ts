/**
 * Reserved message targets (§13): ordinary reliable/unreliable messages whose
 * body layout the spec fixes. The `encode…Body`/`decode…Body` helpers build and read those bodies.
 */
export const CoreTarget = {
  /** name: optional heading; body: UTF-8 debug text. */
  Print: 'core.print',
  /** name: exception class name; body: UTF-8 error text. */
  Error: 'core.error',
  /** name: alert name; body: 1 byte, 0 normal / 1 abnormal. */
  Alert: 'core.alert',
  /** name: tag name; body: a tag declaration. */
  Tag: 'core.tag',
  /** name: tag name; body: a tag value (a write request when sent to the server). */
  TagValue: 'core.tagv',
  /** body: reader index and tag UID. */
  Nfc: 'core.nfc',
} as const
/** One of the {@link CoreTarget} strings. */
export type CoreTarget = (typeof CoreTarget)[keyof typeof CoreTarget]
