import {
  type PavillionCrypto,
  type PresharedKey,
  type SecretKey,
  SymmetricKey,
  toHex,
} from 'pavillion/crypto'
import {
  CipherSuiteId,
  decodeEccClientInfoPlaintext,
  decodeEccNoncePlaintext,
  type EccClientInfoPlaintext,
  type EccNoncePlaintext,
  pskClientInfoHashedBytes,
  type SetupMessage,
} from 'pavillion/wire'
import { BoundedMap } from './bounded-map.ts'
import { idLabel, pairKey } from './labels.ts'

/** The keys a decoder may use: PSKs by client ID, and X25519 secret keys (of servers, or of clients whose server's key is also given). */
export interface CaptureKeys {
  readonly psk?: readonly { readonly clientId: Uint8Array; readonly psk: PresharedKey }[] | undefined
  readonly secretKeys?: readonly SecretKey[] | undefined
}

/** A session key learnt from a handshake, with the client it belongs to. */
export interface SessionKey {
  readonly key: SymmetricKey
  /** The client's ID as a label (text or hex). */
  readonly client: string
  /** The server's address (`skey` only: the address the client sent its client info to). */
  readonly server?: string
}

/** What following one setup message taught: remarks for the reader, and the opened ECC box. */
export interface SetupOutcome {
  readonly notes: string[]
  readonly opened?: EccNoncePlaintext | EccClientInfoPlaintext
}

/** Addresses remembered, so a long or hostile capture cannot grow the tables without end. */
const MAX_PEERS = 4096
/** Keys kept per address (newest first): a client that handshakes again keeps its older packets readable. */
const KEYS_PER_PEER = 4

/**
 * Follows the handshakes of a capture (PROTOCOL.md §5, §6) with the keys it
 * was given: PSK client infos (opcode 3) give ckey and skey, opened ECC client
 * infos (opcode 12) carry them; both are filed by the client's address.
 * Wrong keys are recorded as problems rather than thrown.
 */
export class HandshakeFollower {
  readonly #crypto: PavillionCrypto
  readonly #psk = new Map<string, { readonly label: string; readonly psk: PresharedKey }>()
  readonly #secretKeys: readonly { readonly secret: SecretKey; readonly publicKey: Uint8Array }[]
  /** Client address → its last nonce request, and the public keys its ECC requests named (newest first). */
  readonly #requests = new BoundedMap<
    string,
    { suite: number; clientId: Uint8Array; publicKeys: Uint8Array[] }
  >(MAX_PEERS)
  /** Client address → its ckeys. */
  readonly #clientKeys = new BoundedMap<string, SessionKey[]>(MAX_PEERS)
  /** Client address → the skeys of its servers. */
  readonly #serverKeys = new BoundedMap<string, SessionKey[]>(MAX_PEERS)
  /** (server, client) → the session ID derived at the handshake, to check opcode 7 against. */
  readonly #sessionIds = new BoundedMap<string, Uint8Array>(MAX_PEERS)
  /** Client address → the client ID of a handshake no key was given for. */
  readonly #unkeyed = new BoundedMap<string, string>(MAX_PEERS)
  readonly #problems = new Set<string>()
  #eccSeen = 0
  #eccOpened = 0
  /** True during a first pass over a capture, which only learns keys: nothing is counted then. */
  learning = false

  constructor(crypto: PavillionCrypto, keys: CaptureKeys = {}) {
    this.#crypto = crypto
    for (const { clientId, psk } of keys.psk ?? [])
      this.#psk.set(toHex(clientId), { label: idLabel(clientId), psk })
    this.#secretKeys = (keys.secretKeys ?? []).map((secret) => ({
      secret,
      publicKey: crypto.publicKeyOf(secret),
    }))
  }

  /** Learns from setup message `msg`, sent from `src` to `dst`. Never throws on hostile input. */
  follow(src: string, dst: string, msg: SetupMessage, index: number): SetupOutcome {
    switch (msg.type) {
      case 'nonce-request':
        return { notes: this.#nonceRequest(src, msg.suite, msg.clientId, msg.publicKey) }
      case 'psk-nonce':
        return { notes: this.#checkPskNonce(dst, msg.serverNonce, msg.challenge, msg.hash, index) }
      case 'psk-client-info':
        return { notes: this.#pskClientInfo(src, dst, msg, index) }
      case 'session-accepted':
        return { notes: this.#checkSessionId(src, dst, msg.sessionId) }
      case 'ecc-nonce':
        return this.#eccNonce(dst, msg.boxNonce, msg.box)
      case 'ecc-client-info':
        return this.#eccClientInfo(src, dst, msg.clientId, msg.boxNonce, msg.box)
      default:
        return { notes: [] }
    }
  }

  /** Keys that may open a secure datagram from `src` to `dst`, most likely first. */
  keysFor(src: string, dst: string): SessionKey[] {
    const toServer = this.#clientKeys.get(src) ?? []
    const toClient = this.#serverKeys.get(dst) ?? []
    const exact = toClient.filter((k) => k.server === src)
    return [...toServer, ...exact, ...toClient.filter((k) => k.server !== src)]
  }

  /** The client ID whose handshake from or to this address pair was seen without a key, if any. */
  unkeyedClient(src: string, dst: string): string | undefined {
    return this.#unkeyed.get(src) ?? this.#unkeyed.get(dst)
  }

  /** Given keys that contradicted the capture, one sentence each. */
  problems(): string[] {
    const out = [...this.#problems]
    if (this.#secretKeys.length > 0 && this.#eccSeen > 0 && this.#eccOpened === 0)
      out.push(
        `the secret key(s) given open none of the ${this.#eccSeen} ECC handshake message(s) in the capture`,
      )
    return out
  }

  /**
   * Files a nonce request. An ECC request's field should be the client's public key; a reference
   * client's reactive requests put its secret key there (PROTOCOL.md D1), so the public key of that
   * field is kept as a candidate too, and a leak is pointed out.
   */
  #nonceRequest(client: string, suite: number, clientId: Uint8Array, field: Uint8Array): string[] {
    const known = this.#requests.get(client)?.publicKeys ?? []
    if (suite !== CipherSuiteId.Ecc) {
      this.#requests.set(client, { suite, clientId: clientId.slice(), publicKeys: known })
      return []
    }
    const derived = this.#crypto.publicKeyOf(field)
    const isKnown = (key: Uint8Array, list: readonly Uint8Array[]) =>
      list.some((k) => this.#crypto.equal(k, key))
    const leaked = isKnown(derived, [...known, ...this.#secretKeys.map((k) => k.publicKey)])
    const fresh = [field.slice(), derived].filter((key) => !isKnown(key, known))
    const publicKeys = [...fresh, ...known].slice(0, 2 * KEYS_PER_PEER)
    this.#requests.set(client, { suite, clientId: clientId.slice(), publicKeys })
    return leaked
      ? ["the public-key field is the client's SECRET key (PROTOCOL.md D1): that key is compromised"]
      : []
  }

  #checkPskNonce(
    client: string,
    serverNonce: Uint8Array,
    challenge: Uint8Array,
    hash: Uint8Array,
    index: number,
  ): string[] {
    const request = this.#requests.get(client)
    const entry = request === undefined ? undefined : this.#psk.get(toHex(request.clientId))
    if (entry === undefined) return []
    if (this.#crypto.verifyPskNonceHash(entry.psk, serverNonce, challenge, hash))
      return [`hash verified with the PSK of ${entry.label}`]
    this.#problems.add(
      `--psk-client ${entry.label}: the key does not verify the PSK nonce of packet ${index} (wrong PSK)`,
    )
    return [`hash does not verify with the PSK given for ${entry.label}`]
  }

  #pskClientInfo(
    client: string,
    server: string,
    msg: Extract<SetupMessage, { type: 'psk-client-info' }>,
    index: number,
  ): string[] {
    const label = idLabel(msg.clientId)
    const entry = this.#psk.get(toHex(msg.clientId))
    if (entry === undefined) {
      this.#unkeyed.set(client, label)
      return [`no PSK given for ${label}: its session stays encrypted`]
    }
    if (!this.#crypto.verifyPskClientInfoHash(entry.psk, pskClientInfoHashedBytes(msg), msg.hash)) {
      this.#problems.add(
        `--psk-client ${label}: the key does not verify the client info of packet ${index} (wrong PSK)`,
      )
      this.#unkeyed.set(client, label)
      return [`hash does not verify with the PSK given for ${label}`]
    }
    const ckey = this.#crypto.pskClientKey(entry.psk, msg.clientNonce)
    const skey = this.#crypto.pskServerKey(entry.psk, msg.clientNonce, msg.serverNonce)
    this.#sessionIds.set(pairKey(server, client), this.#crypto.pskSessionId(entry.psk, ckey))
    this.#addKeys(client, server, label, ckey, skey)
    return [`hash verified; session keys derived for ${label}`]
  }

  #checkSessionId(server: string, client: string, sessionId: Uint8Array): string[] {
    const expected = this.#sessionIds.get(pairKey(server, client))
    if (expected === undefined) return []
    return [
      this.#crypto.equal(expected, sessionId)
        ? 'session ID matches the handshake'
        : 'session ID differs from the one the handshake derives',
    ]
  }

  /**
   * Every (public key, secret key) pair that could open a box between this client and a server,
   * with the client's public key of that pair: a key the client's requests named pairs with a
   * server's secret key; two given keys may be a client's and its server's either way round.
   */
  #candidates(client: string): { publicKey: Uint8Array; secret: SecretKey; clientPublicKey: Uint8Array }[] {
    const requested = this.#requests.get(client)?.publicKeys ?? []
    return this.#secretKeys.flatMap((own) => [
      ...requested.map((publicKey) => ({ publicKey, secret: own.secret, clientPublicKey: publicKey })),
      ...this.#secretKeys
        .filter((other) => other !== own)
        .map((other) => ({ publicKey: other.publicKey, secret: own.secret, clientPublicKey: own.publicKey })),
    ])
  }

  #open(
    client: string,
    nonce: Uint8Array,
    box: Uint8Array,
  ): { plaintext: Uint8Array; clientPublicKey: Uint8Array } | undefined {
    if (!this.learning) this.#eccSeen++
    for (const { publicKey, secret, clientPublicKey } of this.#candidates(client)) {
      const plaintext = this.#crypto.boxOpen(box, nonce, publicKey, secret)
      if (plaintext !== undefined) {
        if (!this.learning) this.#eccOpened++
        return { plaintext, clientPublicKey }
      }
    }
    return undefined
  }

  #eccNonce(client: string, nonce: Uint8Array, box: Uint8Array): SetupOutcome {
    if (this.#secretKeys.length === 0) return { notes: [] }
    const opened = this.#open(client, nonce, box)
    if (opened === undefined) return { notes: ['box does not open with the secret key(s) given'] }
    try {
      return { notes: ['box opened'], opened: decodeEccNoncePlaintext(opened.plaintext) }
    } catch {
      return { notes: [`box opened, but holds ${opened.plaintext.length} bytes instead of 48`] }
    }
  }

  #eccClientInfo(
    client: string,
    server: string,
    clientId: Uint8Array,
    nonce: Uint8Array,
    box: Uint8Array,
  ): SetupOutcome {
    const label = idLabel(clientId)
    if (this.#secretKeys.length === 0) {
      this.#unkeyed.set(client, label)
      return { notes: [`no secret key given: the session of ${label} stays encrypted`] }
    }
    const opened = this.#open(client, nonce, box)
    if (opened === undefined) {
      this.#unkeyed.set(client, label)
      return { notes: ['box does not open with the secret key(s) given'] }
    }
    let plaintext: EccClientInfoPlaintext
    try {
      plaintext = decodeEccClientInfoPlaintext(opened.plaintext)
    } catch {
      return { notes: [`box opened, but holds ${opened.plaintext.length} bytes instead of 104`] }
    }
    const ckey = SymmetricKey.from(plaintext.ckey)
    const skey = SymmetricKey.from(plaintext.skey)
    this.#sessionIds.set(pairKey(server, client), this.#crypto.eccSessionId(opened.clientPublicKey, ckey))
    this.#addKeys(client, server, label, ckey, skey)
    return { notes: [`box opened; session keys of ${label} read`], opened: plaintext }
  }

  #addKeys(client: string, server: string, label: string, ckey: SymmetricKey, skey: SymmetricKey): void {
    // Both passes over a capture file the same keys: keep each once, newest first.
    const other = (key: SymmetricKey) => (k: SessionKey) => !this.#crypto.equal(k.key.expose(), key.expose())
    const ckeys = (this.#clientKeys.get(client) ?? []).filter(other(ckey))
    this.#clientKeys.set(client, [{ key: ckey, client: label }, ...ckeys].slice(0, KEYS_PER_PEER))
    const skeys = (this.#serverKeys.get(client) ?? []).filter(other(skey))
    this.#serverKeys.set(client, [{ key: skey, client: label, server }, ...skeys].slice(0, KEYS_PER_PEER))
    this.#unkeyed.delete(client)
  }
}
