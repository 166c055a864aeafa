// Seal + open throughput for 64-byte payloads (the hot path of every secure datagram).
// Runs for about 2 seconds against the built package: `pnpm --filter @pavillion/crypto bench`.
import { loadCrypto } from '../dist/index.js'

const PAYLOAD_BYTES = 64
const DURATION_MS = 2000
const BATCH = 1000

const crypto = await loadCrypto()
const key = crypto.randomKey()
const payload = crypto.random(PAYLOAD_BYTES)

/** Runs `batch` operations repeatedly for `ms` milliseconds; returns operations per second. */
function measure(ms, batch) {
  let ops = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms) {
    batch()
    ops += BATCH
    elapsed = performance.now() - start
  }
  return (ops / elapsed) * 1000
}

let counter = 1n
// Warm-up, so the JIT and libsodium's WebAssembly are settled before timing.
for (let i = 0; i < 5000; i++) crypto.open(crypto.seal(payload, counter++, key), counter - 1n, key)

const roundTrips = measure(DURATION_MS, () => {
  for (let i = 0; i < BATCH; i++) {
    const box = crypto.seal(payload, counter, key)
    if (crypto.open(box, counter, key) === undefined) throw new Error('round trip failed')
    counter++
  }
})

const format = (n) => Math.round(n).toLocaleString('en-US')
console.log(`seal+open, ${PAYLOAD_BYTES}-byte payload: ${format(roundTrips)} round trips/s`)
console.log(
  `  = ${format(roundTrips * 2)} operations/s (each seal or open ≈ ${(1e6 / (roundTrips * 2)).toFixed(2)} µs)`,
)
