import type { SymmetricKey } from '@pavillion/crypto'
import type { DeviceStatus } from '@pavillion/wire'
import type { ServerInfo } from '../events.ts'
import { serverInfoOf } from '../peer-info.ts'
import { ReplayWindow } from '../replay-window.ts'
import { RttEstimator, type RttOptions } from '../rtt-estimator.ts'
import { addressKey, type PeerAddress } from '../transport.ts'
import { ServerLife } from './server-life.ts'

/** How many answered server nonces a client remembers per server, to re-send the same reply. */
const ANSWER_CACHE = 4

/**
 * What a client holds about one server (one source address): its session key
 * towards us, replay window, RTT, liveness and the rate limit of the nonce
 * requests we send it.
 */
export class KnownServer {
  readonly key: string
  readonly address: PeerAddress
  readonly info: ServerInfo
  readonly rtt: RttEstimator
  /** Its state: unknown → keyed → connected → gone (see `ServerLife`). */
  readonly life = new ServerLife()
  /** Key of packets from this server while `life.keyed`. */
  skey: SymmetricKey | undefined
  /** The server nonce `skey` came from (PSK) or answered (ECC). */
  serverNonce: Uint8Array | undefined
  replay = new ReplayWindow()
  /** The counter our last handshake with it announced: it refuses anything at or below. */
  announcedFloor = 0n
  /** Last fresh authenticated packet, ms. */
  lastFreshAt = Number.NEGATIVE_INFINITY
  /** When the current session key was installed, ms. */
  keyedAt = Number.NEGATIVE_INFINITY
  /**
   * The key (and its replay window) before the last re-key, still accepted for
   * a short while: packets the server sealed before it re-keyed are in flight.
   */
  previous: { readonly skey: SymmetricKey; readonly replay: ReplayWindow; readonly until: number } | undefined
  /** Last datagram of any kind, ms. */
  lastSeenAt: number
  /** Packets from this address that failed to authenticate since the last one that did. */
  failuresInARow = 0
  /** Start of the current nonce-request rate window, and requests sent in it. */
  rateWindowStart = Number.NEGATIVE_INFINITY
  rateWindowCount = 0
  status: DeviceStatus | undefined
  /** Local monotonic ms minus the server's, once known. */
  clockOffset: number | undefined
  /** Handshake replies already sent, by server nonce (hex): re-sent unchanged, never re-keyed (vectors' `race`). */
  readonly answered = new Map<string, Uint8Array>()

  constructor(
    address: PeerAddress,
    suite: number,
    publicKey: Uint8Array | undefined,
    now: number,
    rtt: RttOptions,
  ) {
    this.key = addressKey(address)
    this.address = address
    this.info = serverInfoOf(this.key, address, suite, publicKey)
    this.rtt = new RttEstimator(rtt)
    this.lastSeenAt = now
  }

  /** Remembers the reply sent for one server nonce, keeping only the most recent few. */
  rememberAnswer(nonceHex: string, datagram: Uint8Array): void {
    this.answered.set(nonceHex, datagram)
    if (this.answered.size > ANSWER_CACHE) this.answered.delete(this.answered.keys().next().value as string)
  }

  /** True while the application is told it is connected. */
  get connected(): boolean {
    return this.life.connected
  }

  /** It quit: its keys are wiped and dropped; true when it was connected. */
  dropKey(): boolean {
    this.wipeKeys()
    return this.life.disconnect(true)
  }

  /** The previous key's grace ended (`now` past it): wiped and dropped. */
  endGrace(now: number): void {
    if (this.previous === undefined || now < this.previous.until) return
    this.previous.skey.wipe()
    this.previous = undefined
  }

  /** Wipes and drops both keys (the client closes, or forgets this server). */
  wipeKeys(): void {
    this.skey?.wipe()
    this.previous?.skey.wipe()
    this.skey = undefined
    this.previous = undefined
  }

  /**
   * Installs a new session key: the replay window starts over (PROTOCOL.md §8.3). The key it
   * replaces stays `previous` for `grace` ms (then `endGrace` wipes it); an older previous is wiped.
   */
  rekey(
    skey: SymmetricKey,
    serverNonce: Uint8Array,
    now: number,
    grace: number,
    announcedFloor: bigint,
  ): void {
    this.announcedFloor = announcedFloor
    this.previous?.skey.wipe() // two re-keys within the grace: the older key goes now
    this.previous =
      this.skey === undefined ? undefined : { skey: this.skey, replay: this.replay, until: now + grace }
    this.replay = new ReplayWindow()
    this.keyedAt = now
    this.skey = skey
    this.serverNonce = serverNonce
    this.life.rekeyed()
    this.clockOffset = undefined
  }
}
