import type { KeyPair, PresharedKey } from '@pavillion/crypto'

/** A client that authenticates with a pre-shared key (cipher suite 1). */
export interface PskCredentials {
  readonly type: 'psk'
  /** 16-byte client ID the server knows the key under. */
  readonly clientId: Uint8Array
  readonly psk: PresharedKey
}

/** A client that authenticates with an X25519 key pair (cipher suite 2), registered or as a guest. */
export interface EccCredentials {
  readonly type: 'ecc'
  /** 16-byte client ID; defaults to H0(publicKey)[0..16) like the reference. */
  readonly clientId?: Uint8Array
  readonly keyPair: KeyPair
  /** The server's public key: the protocol has no in-band way to learn it. */
  readonly serverPublicKey: Uint8Array
}

/** How a client proves who it is. */
export type ClientCredentials = PskCredentials | EccCredentials
