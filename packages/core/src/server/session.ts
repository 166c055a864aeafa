import type { ClientInfo } from '../events.ts'
import type { SessionKeys } from '../handshake/outcome.ts'
import { ReplayWindow } from '../replay-window.ts'
import { RttEstimator, type RttOptions } from '../rtt-estimator.ts'
import { addressKey, type PeerAddress } from '../transport.ts'
import type { AcceptRepeat } from './accept-repeat.ts'

/** A server's state for one client address with a completed handshake. */
export class Session {
  readonly key: string
  readonly address: PeerAddress
  info: ClientInfo
  keys: SessionKeys
  readonly replay: ReplayWindow
  readonly rtt: RttEstimator
  /** Last counter sent to this client (u64); survives re-handshakes (PROTOCOL.md §8.1). */
  sendCounter: bigint
  /** Last packet that authenticated, ms. */
  lastValidAt: number
  /** No opcode 4 goes to this address before this time. */
  quietUntil = Number.NEGATIVE_INFINITY
  /** The client info of the last handshake, answered again with opcode 7 when it is repeated. */
  accepted: AcceptRepeat | undefined

  constructor(address: PeerAddress, keys: SessionKeys, sendCounter: bigint, now: number, rtt: RttOptions) {
    this.key = addressKey(address)
    this.address = address
    this.keys = keys
    this.info = infoOf(this.key, address, keys)
    this.replay = new ReplayWindow(keys.floor)
    this.rtt = new RttEstimator(rtt)
    this.sendCounter = sendCounter
    this.lastValidAt = now
  }

  /**
   * Installs the keys of a new handshake from the same address. The same
   * client instance (same client key) keeps its replay window, so packets it
   * retransmits across the re-handshake are recognised as duplicates rather
   * than delivered twice; a new instance starts a new window at its floor.
   */
  rekey(keys: SessionKeys, now: number): void {
    const sameInstance = keys.ckey.equals(this.keys.ckey)
    // Nothing opens or seals under the old keys again (retransmissions resend stored bytes): wiped now.
    wipeKeys(this.keys)
    this.keys = keys
    this.info = infoOf(this.key, this.address, keys)
    if (!sameInstance) this.replay.reset(keys.floor)
    this.lastValidAt = now
  }

  /** The session ended: its keys are wiped (they read as zeros from now on). */
  close(): void {
    wipeKeys(this.keys)
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
  return {
    key,
    address,
    suite: keys.suite,
    clientId: keys.clientId,
    identity: keys.identity,
    guest: keys.guest,
  }
}
