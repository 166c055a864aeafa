import {
  type KeyPair,
  loadCrypto,
  type PavillionCrypto,
  type PresharedKey,
  type RandomSource,
} from '@pavillion/crypto'
import type { ClientOptions } from '../api/client.ts'
import type { ClientCredentials } from '../client/credentials.ts'
import { InvalidArgumentError } from '../errors.ts'
import { MemoryClientRegistry } from '../server/client-registry.ts'

/** A client identity every server of a world knows, by PSK and by public key. */
export interface SimIdentity {
  /** The 16-byte client ID. */
  readonly clientId: Uint8Array
  readonly psk: PresharedKey
  readonly keyPair: KeyPair
}

/** The options of a test world's client: every `Client` option the world does not supply, and which identity it is. */
export type TestClientOptions = Partial<
  Omit<ClientOptions, 'transport' | 'runtime' | 'crypto' | 'destination'>
> & {
  /** Which identity (default 0). */
  readonly who?: number
  /** Authenticate with the identity's key pair (ECC) instead of its PSK. */
  readonly ecc?: boolean
}

/**
 * The key material of a test world, simulated (`SimWorld`) or over real UDP:
 * loaded crypto, client identities, the servers' key pair, the registry that
 * knows every identity and the credentials each client presents.
 */
export class TestKeys {
  readonly crypto: PavillionCrypto
  readonly identities: readonly SimIdentity[]
  /** The key pair of every server of the world (ECC clients trust it). */
  readonly serverKeys: KeyPair

  private constructor(crypto: PavillionCrypto, clientIds: readonly string[]) {
    this.crypto = crypto
    this.serverKeys = crypto.generateKeyPair()
    this.identities = clientIds.map((id) => ({
      clientId: new TextEncoder().encode(id),
      psk: crypto.generatePsk(),
      keyPair: crypto.generateKeyPair(),
    }))
  }

  /**
   * Fresh keys for identities with the given 16-character client IDs (default one, `test-client-0001`),
   * libsodium loaded; every key and every draw of the engines using `crypto` come from `random`
   * (default the OS CSPRNG; `seededRandom(seed)` makes a run reproducible).
   */
  static async create(
    clientIds: readonly string[] = ['test-client-0001'],
    random?: RandomSource,
  ): Promise<TestKeys> {
    return new TestKeys(await loadCrypto({ random }), clientIds)
  }

  /** A registry that knows every identity both by PSK and by public key. */
  registry(): MemoryClientRegistry {
    const registry = new MemoryClientRegistry()
    for (const { clientId, psk, keyPair } of this.identities)
      registry.addPsk(clientId, psk).addPublicKey(clientId, keyPair.publicKey)
    return registry
  }

  /** What identity `who` presents: its PSK, or (with `ecc`) its key pair and the servers' public key. */
  credentials(who = 0, ecc = false): ClientCredentials {
    const identity = this.identities[who]
    if (identity === undefined)
      throw new InvalidArgumentError(`no identity ${who} (the world has ${this.identities.length})`)
    return ecc
      ? {
          type: 'ecc',
          clientId: identity.clientId,
          keyPair: identity.keyPair,
          serverPublicKey: this.serverKeys.publicKey,
        }
      : { type: 'psk', clientId: identity.clientId, psk: identity.psk }
  }
}
