import type { KeyPair, PavillionCrypto } from '@pavillion/crypto'
import {
  CipherSuiteId,
  type EccClientInfo,
  type NonceRequest,
  type PskClientInfo,
  type SetupMessage,
} from '@pavillion/wire'
import {
  INVALID_CLIENT_QUIET,
  UNRECOGNIZED_QUIET,
  UNRECOGNIZED_QUIET_SKIP,
  UNRECOGNIZED_SUPPRESS,
} from '../constants.ts'
import type { ServerEvent } from '../events.ts'
import { EccServerHandshake } from '../handshake/ecc-server.ts'
import { invalidClientId, UNRECOGNIZED } from '../handshake/notices.ts'
import { isRefusal, type Refusal, type SessionKeys } from '../handshake/outcome.ts'
import { PskServerHandshake } from '../handshake/psk-server.ts'
import type { EndpointStats } from '../stats.ts'
import type { PeerAddress } from '../transport.ts'
import type { ClientRegistry } from './client-registry.ts'
import { rejection } from './rejection.ts'
import { ReplyBudget, type ReplyLimits } from './reply-budget.ts'
import type { Session } from './session.ts'
import { GUEST_CANDIDATES, type SourceRecord, SourceTable } from './source-table.ts'

/** What admission needs from its server endpoint. */
export interface AdmissionHost {
  readonly crypto: PavillionCrypto
  readonly counters: EndpointStats
  transmitUnauthenticated(to: PeerAddress, bytes: Uint8Array): void
  emit(event: ServerEvent): void
}

/** How a server admits clients. */
export interface AdmissionOptions {
  readonly clients: ClientRegistry
  readonly keyPair: KeyPair | undefined
  readonly allowGuests: boolean
  readonly rejectLeakedKeys: boolean
  /** Bound on the per-address records of sources without a session. */
  readonly maxPending: number
  /** Bound on the records (and rate-limit buckets) of addresses with a recent session. */
  readonly maxKnown: number
  /** Rate limits of every reply to an unauthenticated datagram. */
  readonly limits: ReplyLimits
}

/**
 * Session admission on the server: answers nonce requests, checks client
 * infos into session keys, and tells unknown or lost clients to handshake
 * again — each reply rate-limited per source and globally (`ReplyBudget`).
 * Addresses with a recent session keep their records and buckets apart from
 * everyone else's, so a flood from spoofed sources moves none of their state.
 */
export class Admission {
  readonly #host: AdmissionHost
  readonly #clients: ClientRegistry
  readonly #psk: PskServerHandshake
  readonly #ecc: EccServerHandshake | undefined
  readonly #allowGuests: boolean
  readonly #rejectLeakedKeys: boolean
  /** Records of addresses with a recent session. */
  readonly #known: SourceTable
  /** Records of every other address. */
  readonly #strangers: SourceTable
  readonly #budget: ReplyBudget

  constructor(host: AdmissionHost, options: AdmissionOptions) {
    this.#host = host
    this.#clients = options.clients
    this.#psk = new PskServerHandshake(host.crypto)
    this.#ecc = options.keyPair && new EccServerHandshake(host.crypto, options.keyPair)
    this.#allowGuests = options.allowGuests
    this.#rejectLeakedKeys = options.rejectLeakedKeys
    this.#known = new SourceTable(options.maxKnown)
    this.#strangers = new SourceTable(options.maxPending)
    this.#budget = new ReplyBudget(options.limits, host.counters, {
      known: options.maxKnown,
      strangers: options.maxPending,
    })
  }

  /** Number of per-address records without a session. */
  get pendingCount(): number {
    return this.#known.size + this.#strangers.size
  }

  /**
   * A setup message from `from` (`session`: its current session, if any):
   * the keys of a session to establish, or undefined when answered, refused
   * or dropped (counted).
   */
  onSetup(
    now: number,
    from: PeerAddress,
    key: string,
    message: SetupMessage,
    session: Session | undefined,
  ): SessionKeys | undefined {
    switch (message.type) {
      case 'nonce-request':
        this.#onNonceRequest(now, from, key, message, session)
        return undefined
      case 'psk-client-info':
        return this.#onPskClientInfo(from, key, message)
      case 'ecc-client-info':
        return this.#onEccClientInfo(now, from, key, message, session !== undefined)
      default:
        this.#host.counters.unexpected++
        return undefined
    }
  }

  /** A session was established for `key`: a fresh server nonce next time; quiet periods end (PROTOCOL.md §5.4). */
  forget(key: string): void {
    this.#known.delete(key)
    this.#strangers.delete(key)
  }

  /** The session of `key` ended: its address keeps priority for `limits.knownFor`. */
  sessionEnded(now: number, key: string): void {
    this.#budget.sessionEnded(now, key)
  }

  /** A secure frame from an address without a session: opcode 4, at most once per quiet period. */
  onUnknownSource(now: number, from: PeerAddress, key: string, size: number): void {
    const counters = this.#host.counters
    counters.unexpected++
    counters.bytesInUnauthenticated += size
    const known = this.#budget.isKnown(now, key, false)
    if (now < (this.#peek(key)?.unrecognizedQuietUntil ?? Number.NEGATIVE_INFINITY)) {
      counters.rateLimited++
      return
    }
    if (!this.#budget.allow(now, from, key, known, true, 0)) return
    const source = this.#touch(key, known)
    source.unrecognizedQuietUntil = now + UNRECOGNIZED_QUIET
    this.#host.transmitUnauthenticated(from, UNRECOGNIZED)
  }

  /** PROTOCOL.md §8.5: tell the client to re-handshake, unless it was valid a moment ago; then stay quiet a while. */
  onUndecryptable(now: number, session: Session, size: number): void {
    const counters = this.#host.counters
    counters.forged++
    counters.bytesInUnauthenticated += size
    if (now - session.lastValidAt < UNRECOGNIZED_SUPPRESS || now < session.quietUntil) {
      counters.rateLimited++
      return
    }
    if (!this.#budget.allow(now, session.address, session.key, true, true, 0)) return
    // PROTOCOL.md §8.5: 5 s of quiet for a client idle 100 s; otherwise at most one per second.
    session.quietUntil =
      now +
      (now - session.lastValidAt >= UNRECOGNIZED_QUIET_SKIP ? UNRECOGNIZED_QUIET : UNRECOGNIZED_SUPPRESS)
    this.#host.transmitUnauthenticated(session.address, UNRECOGNIZED)
  }

  #onNonceRequest(
    now: number,
    from: PeerAddress,
    key: string,
    request: NonceRequest,
    session: Session | undefined,
  ): void {
    const { crypto, counters } = this.#host
    if (session?.hasSessionId(request.sessionId)) {
      counters.unexpected++ // "already connected" (PROTOCOL.md §5.1 step 1)
      return
    }
    const known = this.#budget.isKnown(now, key, session !== undefined)
    if (request.suite === CipherSuiteId.Psk) {
      const psk = this.#clients.psk(request.clientId)
      if (psk === undefined) {
        this.#invalidClientId(now, from, key, request, known)
        return
      }
      if (!this.#budget.allow(now, from, key, known, true, 0)) return
      const source = this.#touch(key, known)
      source.serverNonce ??= crypto.random(32)
      this.#host.transmitUnauthenticated(from, this.#psk.answer(psk, source.serverNonce, request))
      return
    }
    const ecc = this.#ecc
    if (request.suite !== CipherSuiteId.Ecc || ecc === undefined) {
      counters.unexpected++
      return
    }
    const registered = this.#clients.publicKey(request.clientId)
    if (registered === undefined && !this.#allowGuests) {
      this.#invalidClientId(now, from, key, request, known)
      return
    }
    // A registered client costs the secret-key check and the box; a guest the box.
    if (!this.#budget.allow(now, from, key, known, true, registered === undefined ? 1 : 2)) return
    if (registered !== undefined && ecc.leaksSecretKey(request, registered)) {
      this.#host.emit({
        type: 'security:leaked-secret-key',
        clientId: Uint8Array.from(request.clientId),
        address: from,
      })
      if (this.#rejectLeakedKeys) return
    }
    const source = this.#touch(key, known)
    // Guest (PROTOCOL.md §6.3): the key is bound to the address only by a handshake that opens under it.
    if (registered === undefined) rememberGuestKey(source, request.publicKey, crypto)
    source.serverNonce ??= crypto.random(32)
    const answer = ecc.answer(registered ?? request.publicKey, source.serverNonce, request)
    if (isRefusal(answer)) counters[answer.refused]++
    else this.#host.transmitUnauthenticated(from, answer)
  }

  #invalidClientId(now: number, from: PeerAddress, key: string, request: NonceRequest, known: boolean): void {
    this.#host.emit(rejection(from, request.clientId, 'unknown-client'))
    if (now < (this.#peek(key)?.invalidIdQuietUntil ?? Number.NEGATIVE_INFINITY)) {
      this.#host.counters.rateLimited++
      return
    }
    if (!this.#budget.allow(now, from, key, known, true, 0)) return
    const source = this.#touch(key, known)
    // Unlike the reference, this quiet period withholds replies only; a live session keeps working.
    source.invalidIdQuietUntil = now + INVALID_CLIENT_QUIET
    this.#host.transmitUnauthenticated(from, invalidClientId(request.challenge))
  }

  #onPskClientInfo(from: PeerAddress, key: string, info: PskClientInfo): SessionKeys | undefined {
    const serverNonce = this.#peek(key)?.serverNonce
    if (serverNonce === undefined) {
      this.#host.counters.stale++
      return undefined
    }
    const psk = this.#clients.psk(info.clientId)
    if (psk === undefined) {
      this.#host.counters.unexpected++
      this.#host.emit(rejection(from, info.clientId, 'unknown-client'))
      return undefined
    }
    return this.#accepted(from, info.clientId, this.#psk.accept(psk, serverNonce, info))
  }

  #onEccClientInfo(
    now: number,
    from: PeerAddress,
    key: string,
    info: EccClientInfo,
    live: boolean,
  ): SessionKeys | undefined {
    const source = this.#peek(key)
    if (source?.serverNonce === undefined || this.#ecc === undefined) {
      this.#host.counters.stale++
      return undefined
    }
    const registered = this.#clients.publicKey(info.clientId)
    const candidates = registered !== undefined ? [registered] : this.#allowGuests ? source.guestKeys : []
    if (candidates.length === 0) {
      this.#host.counters.unexpected++
      this.#host.emit(rejection(from, info.clientId, 'unknown-client'))
      return undefined
    }
    const known = this.#budget.isKnown(now, key, live)
    if (!this.#budget.allow(now, from, key, known, false, candidates.length)) return undefined
    let keys: SessionKeys | Refusal = { refused: 'forged' }
    for (const publicKey of candidates) {
      keys = this.#ecc.accept(publicKey, registered === undefined, source.serverNonce, info)
      if (!isRefusal(keys) || keys.refused !== 'forged') break
    }
    return this.#accepted(from, info.clientId, keys)
  }

  /** The record of `key`, in whichever table holds it. */
  #peek(key: string): SourceRecord | undefined {
    return this.#known.peek(key) ?? this.#strangers.peek(key)
  }

  /** The record of `key` in the table of its class, created if needed. */
  #touch(key: string, known: boolean): SourceRecord {
    const moved = known ? this.#strangers.peek(key) : this.#known.peek(key)
    const record = (known ? this.#known : this.#strangers).touch(key, moved)
    if (moved !== undefined) (known ? this.#strangers : this.#known).delete(key)
    return record
  }

  /** The keys of a verified client info; a refusal is counted, and a forged one reported as a rejected handshake. */
  #accepted(from: PeerAddress, clientId: Uint8Array, keys: SessionKeys | Refusal): SessionKeys | undefined {
    if (!isRefusal(keys)) return keys
    this.#host.counters[keys.refused]++
    if (keys.refused === 'forged') this.#host.emit(rejection(from, clientId, 'wrong-key'))
    return undefined
  }
}

/** Keeps `publicKey` among the record's guest keys, newest first, at most {@link GUEST_CANDIDATES}. */
function rememberGuestKey(source: SourceRecord, publicKey: Uint8Array, crypto: PavillionCrypto): void {
  const keys = source.guestKeys.filter((k) => !crypto.equal(k, publicKey))
  keys.unshift(Uint8Array.from(publicKey))
  source.guestKeys = keys.slice(0, GUEST_CANDIDATES)
}
