import type { PresharedKey } from '@pavillion/crypto'
import { InvalidArgumentError } from '../errors.ts'

/** Where a server looks up the clients it knows. */
export interface ClientRegistry {
  /** The PSK of a 16-byte client ID, or undefined. */
  psk(clientId: Uint8Array): PresharedKey | undefined
  /** The registered X25519 public key of a client ID, or undefined. */
  publicKey(clientId: Uint8Array): Uint8Array | undefined
}

/** A client registry held in memory. */
export class MemoryClientRegistry implements ClientRegistry {
  readonly #psks = new Map<string, PresharedKey>()
  readonly #publicKeys = new Map<string, Uint8Array>()

  /**
   * Registers a PSK client.
   * @throws InvalidArgumentError when the ID is not 16 bytes
   */
  addPsk(clientId: Uint8Array, psk: PresharedKey): this {
    this.#psks.set(idKey(clientId), psk)
    return this
  }

  /**
   * Registers an ECC client by its public key.
   * @throws InvalidArgumentError when the ID is not 16 bytes or the key not 32
   */
  addPublicKey(clientId: Uint8Array, publicKey: Uint8Array): this {
    if (publicKey.length !== 32)
      throw new InvalidArgumentError(
        `"publicKey" expected Uint8Array of length 32, got length=${publicKey.length}`,
      )
    this.#publicKeys.set(idKey(clientId), Uint8Array.from(publicKey))
    return this
  }

  /** Forgets a client of either kind. */
  remove(clientId: Uint8Array): void {
    const key = idKey(clientId)
    this.#psks.delete(key)
    this.#publicKeys.delete(key)
  }

  psk(clientId: Uint8Array): PresharedKey | undefined {
    return this.#psks.get(idKey(clientId))
  }

  publicKey(clientId: Uint8Array): Uint8Array | undefined {
    return this.#publicKeys.get(idKey(clientId))
  }
}

function idKey(clientId: Uint8Array): string {
  if (clientId.length !== 16)
    throw new InvalidArgumentError(
      `"clientId" expected Uint8Array of length 16, got length=${clientId.length}`,
    )
  let out = ''
  for (const byte of clientId) out += byte.toString(16).padStart(2, '0')
  return out
}
