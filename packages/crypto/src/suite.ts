import { type CryptoBackend, chooseBackend } from './backend.ts'
import { type KeyPair, publicKeyBox } from './box.ts'
import { KEY_LENGTH } from './constants.ts'
import { derivations } from './derive.ts'
import { keyedHash } from './hash.ts'
import { counterNonce } from './nonce.ts'
import { osRandom } from './os-random.ts'
import { checkedRandom, type RandomSource, uniformBigInt } from './random.ts'
import { PresharedKey, type Secret, type SecretKey, SymmetricKey } from './secret.ts'
import { counterSecretbox } from './secretbox.ts'
import { readySodium } from './sodium.ts'
import { warmUp } from './warm-up.ts'

/** Options of {@link loadCrypto}. */
export interface LoadCryptoOptions {
  /** Where random bytes come from; default the OS CSPRNG through WebCrypto's `getRandomValues` (libsodium's `randombytes_buf` where that is missing). */
  readonly random?: RandomSource | undefined
}

/**
 * Pavillion's cipher suites 1 (PSK) and 2 (ECC), ready to use: every method is synchronous.
 * Methods do not use `this`, so they may be destructured. Arguments are validated
 * (InvalidArgumentError for a wrong type, length or range) except by `open`,
 * `boxOpen` and the `verify…` methods, which report hostile input by their result instead.
 */
export interface PavillionCrypto {
  /**
   * Where secretbox and crypto_box run: `native` (the optional `sodium-native`, used when it is
   * installed) or `wasm` (libsodium-wrappers); `PAVILLION_CRYPTO=wasm|native` forces one. Both
   * produce the same bytes; everything else always runs in libsodium-wrappers.
   */
  readonly backend: CryptoBackend
  /** The random source every key, seed and integer below is drawn from (checked: right length or throws). */
  readonly random: RandomSource
  /**
   * H(k, m) = keyed BLAKE2b-256 (`crypto_generichash(32, m, k)`); an empty key gives H0. Key first,
   * unlike the reference's wrapper.
   *
   * @throws InvalidArgumentError for a key that is not 0..64 bytes or a message that is not a Uint8Array
   */
  hash(key: Uint8Array | Secret, message: Uint8Array): Uint8Array
  /**
   * N(c) = 16 zero bytes ‖ u64le(c), as a new array.
   *
   * @throws InvalidArgumentError when `counter` is not a bigint in [0, 2^64 - 1]
   */
  counterNonce(counter: bigint): Uint8Array
  /**
   * `crypto_secretbox_easy(plaintext, N(counter), key)`: the 16-byte tag, then the ciphertext (a new array).
   * Never seal two different plaintexts with the same key and counter (PROTOCOL.md §8.1, D3).
   *
   * @throws InvalidArgumentError when `plaintext` is not a Uint8Array or `key` not a SymmetricKey
   * @throws InvalidArgumentError when `counter` is not in [1, 2^64 - 1] (0 is reserved for setup messages)
   * @throws CryptoError (`ERR_KEY_WIPED`) when `key` was wiped
   */
  seal(plaintext: Uint8Array, counter: bigint, key: SymmetricKey): Uint8Array
  /**
   * Opens tag ‖ ciphertext sealed under N(counter). Returns undefined on any failure (forged or
   * damaged box, wrong key or counter, box shorter than the tag, counter not in [1, 2^64 - 1]);
   * never throws on such input.
   *
   * @throws InvalidArgumentError when `key` is not a SymmetricKey (a programming error, not hostile input)
   * @throws CryptoError (`ERR_KEY_WIPED`) when `key` was wiped
   */
  open(box: Uint8Array, counter: bigint, key: SymmetricKey): Uint8Array | undefined
  /**
   * `seal`, written into `target` at `offset` (tag, then ciphertext) instead of a new array: lets
   * a datagram be sealed in place after its header.
   *
   * @throws InvalidArgumentError when `target` has no room for `plaintext.length + 16` bytes at `offset`; as `seal` otherwise
   */
  sealInto(
    target: Uint8Array,
    offset: number,
    plaintext: Uint8Array,
    counter: bigint,
    key: SymmetricKey,
  ): void
  /**
   * `open`, with the plaintext written into an array `allocate(length)` returns (e.g. from a pool).
   *
   * @throws as `open`
   */
  openInto(
    box: Uint8Array,
    counter: bigint,
    key: SymmetricKey,
    allocate: (length: number) => Uint8Array,
  ): Uint8Array | undefined
  /**
   * `crypto_box_easy(message, nonce, recipientPublicKey, senderSecretKey)` (X25519 + XSalsa20-Poly1305).
   *
   * @throws InvalidArgumentError for arguments of the wrong type
   * @throws InvalidArgumentError for a nonce that is not 24 bytes, a public key that is not 32 bytes, or
   *   a low-order public key (such as all zeros)
   * @throws CryptoError (`ERR_KEY_WIPED`) when `senderSecretKey` was wiped
   */
  boxSeal(
    message: Uint8Array,
    nonce: Uint8Array,
    recipientPublicKey: Uint8Array,
    senderSecretKey: SecretKey,
  ): Uint8Array
  /**
   * `crypto_box_open_easy`. Returns undefined on any failure, including wrong lengths and
   * low-order (e.g. all-zero) public keys; never throws on such input.
   *
   * @throws InvalidArgumentError when `recipientSecretKey` is not a SecretKey
   * @throws CryptoError (`ERR_KEY_WIPED`) when it was wiped
   */
  boxOpen(
    box: Uint8Array,
    nonce: Uint8Array,
    senderPublicKey: Uint8Array,
    recipientSecretKey: SecretKey,
  ): Uint8Array | undefined
  /** A new X25519 key pair from 32 bytes of {@link PavillionCrypto.random} (reproducible with a seeded source). */
  generateKeyPair(): KeyPair
  /**
   * `crypto_box_seed_keypair(seed)`.
   *
   * @throws InvalidArgumentError when `seed` is not 32 bytes
   */
  keyPairFromSeed(seed: Uint8Array): KeyPair
  /**
   * The pair of an existing secret key (public = `crypto_scalarmult_base(sk)`); a SecretKey is
   * used as is, bytes are copied into a new one.
   *
   * @throws InvalidArgumentError when `secretKey` is not a SecretKey or 32 bytes
   */
  keyPairFromSecretKey(secretKey: Uint8Array | SecretKey): KeyPair
  /**
   * The X25519 public key of `secretKey`.
   *
   * @throws InvalidArgumentError when `secretKey` is not a SecretKey or 32 bytes
   */
  publicKeyOf(secretKey: SecretKey | Uint8Array): Uint8Array
  /** A new random 32-byte PSK. */
  generatePsk(): PresharedKey
  /** Constant-time equality (`sodium.memcmp`); false for different lengths or non-Uint8Array arguments. */
  equal(a: Uint8Array, b: Uint8Array): boolean
  /**
   * ckey = H(psk, clientNonce) (PSK).
   *
   * @throws InvalidArgumentError when `psk` is not a PresharedKey or `clientNonce` not 32 bytes
   */
  pskClientKey(psk: PresharedKey, clientNonce: Uint8Array): SymmetricKey
  /**
   * skey = H(psk, clientNonce ‖ serverNonce) (PSK).
   *
   * @throws InvalidArgumentError when `psk` is not a PresharedKey or a nonce not 32 bytes
   */
  pskServerKey(psk: PresharedKey, clientNonce: Uint8Array, serverNonce: Uint8Array): SymmetricKey
  /**
   * Session ID = H(psk, ckey)[0..16) (PSK).
   *
   * @throws InvalidArgumentError when `psk` or `ckey` has the wrong type
   */
  pskSessionId(psk: PresharedKey, ckey: SymmetricKey): Uint8Array
  /**
   * Session ID = H(clientPublicKey, ckey)[0..16) (ECC).
   *
   * @throws InvalidArgumentError when `clientPublicKey` is not 32 bytes or `ckey` not a SymmetricKey
   */
  eccSessionId(clientPublicKey: Uint8Array, ckey: SymmetricKey): Uint8Array
  /**
   * The opcode-2 hash H(psk, serverNonce ‖ challenge).
   *
   * @throws InvalidArgumentError when `psk` is not a PresharedKey, `serverNonce` not 32 or `challenge` not 16 bytes
   */
  pskNonceHash(psk: PresharedKey, serverNonce: Uint8Array, challenge: Uint8Array): Uint8Array
  /**
   * Constant-time check of a received opcode-2 hash; false (never an exception) for wrong lengths.
   *
   * @throws InvalidArgumentError when `psk` is not a PresharedKey
   */
  verifyPskNonceHash(
    psk: PresharedKey,
    serverNonce: Uint8Array,
    challenge: Uint8Array,
    hash: Uint8Array,
  ): boolean
  /**
   * The opcode-3 hash H(psk, bytes [20..109) of the datagram) — the 89 bytes before the hash.
   *
   * @throws InvalidArgumentError when `psk` is not a PresharedKey or `hashedBytes` not 89 bytes
   */
  pskClientInfoHash(psk: PresharedKey, hashedBytes: Uint8Array): Uint8Array
  /**
   * Constant-time check of a received opcode-3 hash; false (never an exception) for wrong lengths.
   *
   * @throws InvalidArgumentError when `psk` is not a PresharedKey
   */
  verifyPskClientInfoHash(psk: PresharedKey, hashedBytes: Uint8Array, hash: Uint8Array): boolean
  /**
   * H0(publicKey), 32 bytes: the identity a reference server reports for a guest (PROTOCOL.md §6.3).
   *
   * @throws InvalidArgumentError when `publicKey` is not 32 bytes
   */
  guestId(publicKey: Uint8Array): Uint8Array
  /**
   * H0(publicKey)[0..16): the client ID of an ECC client without a configured one.
   *
   * @throws InvalidArgumentError when `publicKey` is not 32 bytes
   */
  defaultClientId(publicKey: Uint8Array): Uint8Array
  /** 32 random bytes as a SymmetricKey (the client-chosen ECC ckey and skey). */
  randomKey(): SymmetricKey
  /**
   * A uniform integer in [min, max], both inclusive, from {@link PavillionCrypto.random} by
   * rejection sampling; e.g. `randomBigInt(1024n, 1_000_000_000n)` for a client's initial counter
   * and `randomBigInt(2n ** 63n, 2n ** 63n + 1_000_000_000n)` for a server's (PROTOCOL.md §8.1).
   *
   * @throws InvalidArgumentError when `min` or `max` is not a bigint
   * @throws InvalidArgumentError when `min > max`
   */
  randomBigInt(min: bigint, max: bigint): bigint
}

/**
 * Loads libsodium (once per process), chooses the backend (once per process, see
 * {@link PavillionCrypto.backend}), runs the per-packet secretbox a few hundred times on
 * throwaway data (once per process, about a millisecond, so the first packets do not pay for
 * the JIT's first tiers) and returns the cipher suites. Await it once at start-up;
 * everything on the result is synchronous.
 *
 * @throws InvalidArgumentError (as a rejected promise) when `options.random` is given but not a function
 * @throws InvalidArgumentError / Error (as a rejected promise) for a bad `PAVILLION_CRYPTO`, or `native` forced but not installed
 */
export async function loadCrypto(options: LoadCryptoOptions = {}): Promise<PavillionCrypto> {
  const [sodium, backend] = await Promise.all([readySodium(), chooseBackend()])
  const random = checkedRandom(options.random ?? osRandom((length) => sodium.randombytes_buf(length)))
  const equal = (a: Uint8Array, b: Uint8Array): boolean =>
    a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && sodium.memcmp(a, b)
  const hash = keyedHash(sodium)
  const box = publicKeyBox(sodium, backend.native)
  const secretbox = counterSecretbox(sodium, backend.native)
  warmUp(secretbox)
  /** Draws 32 bytes, hands them to `use` and zeroes them afterwards. */
  const withRandomKeyBytes = <T>(use: (bytes: Uint8Array) => T): T => {
    const bytes = random(KEY_LENGTH)
    try {
      return use(bytes)
    } finally {
      bytes.fill(0)
    }
  }
  return Object.freeze({
    backend: backend.name,
    random,
    hash,
    counterNonce,
    ...secretbox,
    ...box,
    ...derivations(hash, equal),
    equal,
    generateKeyPair: () => withRandomKeyBytes(box.keyPairFromSeed),
    generatePsk: () => withRandomKeyBytes((bytes) => PresharedKey.from(bytes)),
    randomKey: () => withRandomKeyBytes((bytes) => SymmetricKey.from(bytes)),
    randomBigInt: (min: bigint, max: bigint) => uniformBigInt(random, min, max),
  })
}
