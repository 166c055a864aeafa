import type { IPublishPacket } from 'mqtt'

/** The MQTT v5 user properties the bridge writes (and reads back). */
export const PROP = {
  /** Who sent the message in Pavillion: a client's identity, or the link ID of a server. */
  sender: 'pavillion-sender',
  /** The sender's address key (`host:port`). */
  senderKey: 'pavillion-sender-key',
  /** The sender's packet counter (decimal). */
  counter: 'pavillion-counter',
  /** `true` for a reliable (acknowledged) Pavillion message, else `false`. */
  reliable: 'pavillion-reliable',
  /** The bridges a message crossed, comma-separated: a bridge never takes in what it sent. */
  via: 'pavillion-via',
  /** RPC answers: `0` for success, else the Pavillion status code (or `timeout`, `busy`). */
  status: 'pavillion-status',
  /** RPC answers: the status name (`ok`, `application-error`, …). */
  statusName: 'pavillion-status-name',
  /** Register topics: the register number (decimal). */
  register: 'pavillion-register',
  /** Register topics: the register's datatype (`f32`, `utf8`, …). */
  datatype: 'pavillion-datatype',
} as const

/** True when `packet` carries bridge `id` in its via list. */
export function crossed(packet: IPublishPacket, id: string): boolean {
  const via = packet.properties?.userProperties?.[PROP.via]
  if (via === undefined) return false
  const lists = Array.isArray(via) ? via : [via]
  return lists.some((list) => list.split(',').includes(id))
}
