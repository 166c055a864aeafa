import type { KeyPair, PavillionCrypto, PresharedKey, SymmetricKey } from '@pavillion/crypto'
import {
  CipherSuiteId,
  decodeEccNoncePlaintext,
  type EccNonce,
  encodeEccClientInfoPlaintext,
  encodeSetup,
  type PskNonce,
  pskClientInfoHashedBytes,
} from '@pavillion/wire'

/** Who the reference-like client is: a PSK client, or an ECC client that knows the servers' public key. */
export type ReferenceCredentials =
  | { readonly type: 'psk'; readonly clientId: Uint8Array; readonly psk: PresharedKey }
  | {
      readonly type: 'ecc'
      readonly clientId: Uint8Array
      readonly keyPair: KeyPair
      readonly serverPublicKey: Uint8Array
    }

/** A client info to send and the skey it gives the server. */
export interface ReferenceReply {
  readonly reply: Uint8Array
  readonly skey: SymmetricKey
  readonly serverNonce: Uint8Array
}

/**
 * The nonce request the reference sends (PROTOCOL.md §5.1): PSK zeros; ECC
 * the public key on the start-up path, the secret key on the reactive one (D1).
 */
export function referenceNonceRequest(
  credentials: ReferenceCredentials,
  challenge: Uint8Array,
  sessionField: Uint8Array,
  reactive: boolean,
): Uint8Array {
  const ecc = credentials.type === 'ecc'
  const field = !ecc
    ? new Uint8Array(32)
    : reactive
      ? credentials.keyPair.secretKey.expose()
      : credentials.keyPair.publicKey
  return encodeSetup({
    type: 'nonce-request',
    suite: ecc ? CipherSuiteId.Ecc : CipherSuiteId.Psk,
    clientId: credentials.clientId,
    challenge,
    sessionId: sessionField,
    publicKey: field,
  })
}

/**
 * §5.3: a PSK nonce whose hash verifies is answered with client info carrying
 * `counter` (the caller then adds 1); undefined when the hash does not verify.
 */
export function referencePskReply(
  crypto: PavillionCrypto,
  psk: PresharedKey,
  clientId: Uint8Array,
  clientNonce: Uint8Array,
  message: PskNonce,
  counter: bigint,
): ReferenceReply | undefined {
  const { serverNonce, challenge, hash } = message
  if (!crypto.verifyPskNonceHash(psk, serverNonce, challenge, hash)) return undefined
  const hashed = { suite: CipherSuiteId.Psk, clientId, clientNonce, serverNonce, counter }
  const infoHash = crypto.pskClientInfoHash(psk, pskClientInfoHashedBytes(hashed))
  return {
    reply: encodeSetup({ type: 'psk-client-info', ...hashed, hash: infoHash }),
    skey: crypto.pskServerKey(psk, clientNonce, serverNonce),
    serverNonce,
  }
}

/**
 * §5.9, D5 reproduced: an ECC nonce that opens is answered with client info
 * holding `ckey` and a fresh skey — no challenge check, whatever nonce it
 * carries; undefined when the box does not open.
 */
export function referenceEccReply(
  crypto: PavillionCrypto,
  credentials: Extract<ReferenceCredentials, { type: 'ecc' }>,
  ckey: SymmetricKey,
  message: EccNonce,
  counter: bigint,
): ReferenceReply | undefined {
  const { serverPublicKey, keyPair } = credentials
  const opened = crypto.boxOpen(message.box, message.boxNonce, serverPublicKey, keyPair.secretKey)
  if (opened === undefined) return undefined
  const { serverNonce } = decodeEccNoncePlaintext(opened)
  const skey = crypto.randomKey()
  const plaintext = encodeEccClientInfoPlaintext({
    serverNonce,
    ckey: ckey.expose(),
    skey: skey.expose(),
    counter,
  })
  const boxNonce = crypto.random(24)
  const box = crypto.boxSeal(plaintext, boxNonce, serverPublicKey, keyPair.secretKey)
  const info = { clientId: credentials.clientId, suite: CipherSuiteId.Ecc, boxNonce, box }
  return { reply: encodeSetup({ type: 'ecc-client-info', ...info }), skey, serverNonce }
}
