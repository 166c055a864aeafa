import { loadCrypto, seededRandom } from '@pavillion/crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { FuzzWorld, type Mutation, type Step, type Variant } from './support/fuzz-world.ts'
import { recordedDatagrams } from './support/recorded-datagrams.ts'

// Engine fuzzing, deterministic and sans-I/O: a client and a server endpoint wired through a
// scheduler the fuzzer controls (deliver, drop, duplicate, mutate, inject, send, advance time,
// close), with the engine's invariants checked after every step (see FuzzWorld).
// CI runs 100 short runs per variant; for a long local run:
//   PAVILLION_FUZZ_RUNS=20000 pnpm --filter @pavillion/core test -- fuzz
// A failure prints fast-check's seed and path; PAVILLION_FUZZ_SEED=<seed> replays the same runs.
const RUNS = Number(process.env.PAVILLION_FUZZ_RUNS ?? 100)
const SEED =
  process.env.PAVILLION_FUZZ_SEED === undefined ? undefined : Number(process.env.PAVILLION_FUZZ_SEED)
const MAX_STEPS = 60
const VECTORS = recordedDatagrams()
const MAGIC = new TextEncoder().encode('PavillionS0')

/** Which datagram in flight: usually the oldest, so that sessions get established. */
const pick = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat() })
const source = fc.nat({ max: 15 })
const role = fc.constantFrom('client' as const, 'server' as const)

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ type: fc.constant('flip' as const), bit: fc.nat() }),
  fc.record({ type: fc.constant('truncate' as const), length: fc.nat() }),
  fc.record({ type: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ type: fc.constant('oversize' as const), extra: fc.nat({ max: 64 }) }),
  fc.record({ type: fc.constant('random-body' as const), bytes: fc.uint8Array({ maxLength: 96 }) }),
)

/** Random bytes, half of them behind a valid magic and a counter (setup, small or huge). */
const garbage: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 160 }),
  fc
    .tuple(
      fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2n ** 64n - 1n })),
      fc.uint8Array({ maxLength: 160 }),
    )
    .map(([counter, body]) => {
      const out = new Uint8Array(19 + body.length)
      out.set(MAGIC)
      new DataView(out.buffer).setBigUint64(11, counter, true)
      out.set(body, 19)
      return out
    }),
)

const timeout = fc.option(fc.constantFrom(20, 300, 2000, 8000, 30_000), { nil: undefined })

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 24, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick }) },
  { weight: 8, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('drop' as const), pick }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('mutate' as const), pick, mutation }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('inject' as const), to: role, source, bytes: garbage }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('vector' as const), to: role, source, pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('nonce-request' as const),
      source,
      known: fc.boolean(),
      ecc: fc.boolean(),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant('client-send' as const), reliable: fc.boolean(), timeout }),
  },
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('server-send' as const), reliable: fc.boolean(), timeout }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'time-sync' as const }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), who: role }) },
)

async function runFuzz(
  variant: Variant,
  seed: number,
  steps: readonly Step[],
  headroom?: { client?: bigint; server?: bigint },
) {
  const crypto = await loadCrypto({ random: seededRandom(`fuzz:${variant}:${seed}`) })
  const world = new FuzzWorld(crypto, variant, VECTORS, headroom)
  for (const s of steps) world.step(s)
  world.finish()
  return world
}

describe.each(['psk', 'ecc', 'ecc-guest'] as const)('engine fuzzing (%s)', (variant) => {
  it(`keeps every invariant over ${RUNS} random interleavings of up to ${MAX_STEPS} steps`, async () => {
    let delivered = 0
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(step, { maxLength: MAX_STEPS, size: 'max' }),
        async (seed, steps) => {
          const world = await runFuzz(variant, seed, steps)
          delivered += world.deliveries.client + world.deliveries.server
        },
      ),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    )
    // The fuzzer must reach established sessions, or it tests nothing but garbage handling.
    console.info(`${variant}: ${delivered} messages delivered over ${RUNS} runs`)
    expect(delivered).toBeGreaterThan(RUNS / 4)
  })
})

describe('fuzzer sanity', () => {
  it('a plain handshake and exchange through the scheduler delivers both ways and reports every tracked send', async () => {
    const steps: Step[] = [
      ...Array.from({ length: 6 }, () => ({ kind: 'deliver' as const, pick: 0 })),
      { kind: 'client-send', reliable: true, timeout: 2000 },
      { kind: 'server-send', reliable: true, timeout: 2000 },
      ...Array.from({ length: 8 }, () => ({ kind: 'deliver' as const, pick: 0 })),
    ]
    const world = await runFuzz('psk', 1, steps)
    expect(world.deliveries).toEqual({ client: 1, server: 1 })
  })
})

// Counter exhaustion (PROTOCOL.md §8.1): once a send counter reaches 2^64 - 1 the engine skips what
// it owes (acks, time sync, quit) instead of throwing out of a handler, and close() completes;
// application sends are refused with ERR_COUNTER_EXHAUSTED.
describe('counter exhaustion', () => {
  it('handlers never throw and close() completes when a send counter reaches 2^64 - 1', async () => {
    const steps: Step[] = [
      { kind: 'flush' },
      ...Array.from({ length: 4 }, () => [
        { kind: 'client-send' as const, reliable: true, timeout: 1000 },
        { kind: 'flush' as const },
      ]).flat(),
      { kind: 'close', who: 'server' },
    ]
    await runFuzz('psk', 7, steps, { server: 2n })
  })

  it('ServerEndpoint.close() marks the endpoint closed even when a session counter is exhausted', async () => {
    const crypto = await loadCrypto({ random: seededRandom('exhausted-close') })
    const world = new FuzzWorld(crypto, 'psk', VECTORS, { server: 0n })
    world.step({ kind: 'flush' })
    expect(world.server.sessionCount).toBe(1)
    try {
      world.server.close(world.now)
    } finally {
      expect(world.server.isClosed).toBe(true)
    }
  })
})
