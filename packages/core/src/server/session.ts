import type { SymmetricKey } from '@pavillion/crypto'
import type { ClientInfo } from '../events.ts'
import type { SessionKeys } from '../handshake/outcome.ts'
import { clientInfoOf } from '../peer-info.ts'
import { ReplayWindow } from '../replay-window.ts'
import type { RttEstimator } from '../rtt-estimator.ts'
import type { PeerAddress } from '../transport.ts'
import type { AcceptRepeat } from './accept-repeat.ts'

/**
 * A server's state for one client address with a completed handshake. Kept
 * small, as a server holds thousands: the keys and identity it needs, not the
 * handshake's whole outcome; the session ID as a string of its byte values
 * (a 16-byte typed array costs about 200 bytes of heap); an RTT estimator only
 * once a round trip was measured.
 */
export class Session {
  /** Who the client is and where (its `key` and `address` are the session's). */
  info: ClientInfo
  /** Key of the client's packets. */
  ckey: SymmetricKey
  /** Key of our packets to the client. */
  skey: SymmetricKey
  #sessionId: string
  readonly replay: ReplayWindow
  /** Round-trip estimate; undefined until the first sample. */
  rtt: RttEstimator | undefined
  /** Last counter sent to this client (u64); survives re-handshakes (PROTOCOL.md §8.1). */
  sendCounter: bigint
  /** Last packet that authenticated, ms. */
  lastValidAt: number
  /** No opcode 4 goes to this address before this time. */
  quietUntil = Number.NEGATIVE_INFINITY
  /** The client info of the last handshake, answered again with opcode 7 when it is repeated. */
  accepted: AcceptRepeat | undefined

  /** `key`: `addressKey(address)`, the very string the server's tables use (not a second copy of it). */
  constructor(key: string, address: PeerAddress, keys: SessionKeys, sendCounter: bigint, now: number) {
    this.info = infoOf(key, address, keys)
    this.ckey = keys.ckey
    this.skey = keys.skey
    this.#sessionId = String.fromCharCode(...keys.sessionId)
    this.replay = new ReplayWindow(keys.floor)
    this.sendCounter = sendCounter
    this.lastValidAt = now
  }

  /** `addressKey(address)`. */
  get key(): string {
    return this.info.key
  }

  /** The client's source address. */
  get address(): PeerAddress {
    return this.info.address
  }

  /** Whether `sessionId` is this session's ID (constant time in its bytes). */
  hasSessionId(sessionId: Uint8Array): boolean {
    const own = this.#sessionId
    if (sessionId.length !== own.length) return false
    let difference = 0
    for (let i = 0; i < own.length; i++) difference |= sessionId[i]! ^ own.charCodeAt(i)
    return difference === 0
  }

  /**
   * Installs the keys of a new handshake from the same address. The same
   * client instance (same client key) keeps its replay window, so packets it
   * retransmits across the re-handshake are recognised as duplicates rather
   * than delivered twice; a new instance starts a new window at its floor.
   */
  rekey(keys: SessionKeys, now: number): void {
    const sameInstance = keys.ckey.equals(this.ckey)
    // Nothing opens or seals under the old keys again (retransmissions resend stored bytes): wiped now.
    this.close()
    this.ckey = keys.ckey
    this.skey = keys.skey
    this.#sessionId = String.fromCharCode(...keys.sessionId)
    this.info = infoOf(this.info.key, this.info.address, keys)
    if (!sameInstance) this.replay.reset(keys.floor)
    this.lastValidAt = now
  }

  /** The session ID's bytes (built on demand: only a repeated acceptance needs them). */
  get sessionId(): Uint8Array {
    return Uint8Array.from(this.#sessionId, (c) => c.charCodeAt(0))
  }

  /** The session ended: its keys are wiped (they read as zeros from now on). */
  close(): void {
    this.ckey.wipe()
    this.skey.wipe()
  }
}

/** Wipes both keys of a handshake (`Secret.wipe`: zeros, unusable afterwards). */
export function wipeKeys(keys: SessionKeys): void {
  keys.ckey.wipe()
  keys.skey.wipe()
}

/** The sessions of `keys` that exist (an array: cheaper than a generator on the per-reply path). */
export function sessionsOf(sessions: Map<string, Session>, keys: readonly string[]): Session[] {
  const found: Session[] = []
  for (const key of keys) {
    const session = sessions.get(key)
    if (session !== undefined) found.push(session)
  }
  return found
}

/** Byte equality of two public values (identities; not secrets). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function infoOf(key: string, address: PeerAddress, keys: SessionKeys): ClientInfo {
  return clientInfoOf({
    key,
    address,
    suite: keys.suite,
    clientId: keys.clientId,
    identity: keys.identity,
    guest: keys.guest,
  })
}
