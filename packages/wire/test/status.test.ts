import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type BatteryState,
  decodeStatus,
  encodeStatus,
  InvalidArgumentError,
  type NetworkStatus,
} from '../src/index.ts'
import { decodesOrRejects, expectWireError } from './helpers.ts'

const status = (battery: number, network: number, temperature: number) =>
  Uint8Array.of(battery, network, temperature)

describe('decodeStatus', () => {
  it('decodes b2 46 19 (secure_messages.json): level 50 charging, WLAN −50 dBm, 25 °C', () => {
    const raw = status(0xb2, 0x46, 0x19)
    expect(decodeStatus(raw)).toEqual({
      battery: { level: 50, percent: (50 / 63) * 100, state: 'charging' },
      network: { type: 'wlan', rssi: -50 },
      temperature: 25,
      raw,
    })
  })

  it('decodes 00 ff 00 (reference server without its system library) as no information', () => {
    expect(decodeStatus(status(0, 0xff, 0))).toMatchObject({
      battery: { level: 0, percent: undefined, state: 'discharging' },
      network: { type: 'unknown' },
      temperature: 0,
    })
  })

  it('treats both 201 (docs) and 202 (reference client) as wired (D18)', () => {
    expect(decodeStatus(status(0, 201, 0)).network).toEqual({ type: 'wired' })
    expect(decodeStatus(status(0, 202, 0)).network).toEqual({ type: 'wired' })
    expect(decodeStatus(status(0, 203, 0)).network).toEqual({ type: 'unknown' })
  })

  it('computes WWAN RSSI as value − 251 (the reference client never does, D18)', () => {
    expect(decodeStatus(status(0, 101, 0)).network).toEqual({ type: 'wwan', rssi: -150 })
    expect(decodeStatus(status(0, 181, 0)).network).toEqual({ type: 'wwan', rssi: -70 })
    expect(decodeStatus(status(0, 200, 0)).network).toEqual({ type: 'wwan', rssi: -51 })
  })

  it('computes WLAN RSSI as value − 120 over 0–100', () => {
    expect(decodeStatus(status(0, 0, 0)).network).toEqual({ type: 'wlan', rssi: -120 })
    expect(decodeStatus(status(0, 100, 0)).network).toEqual({ type: 'wlan', rssi: -20 })
  })

  it('scales battery percent by 63 (the producer scale), so a full level is exactly 100 %', () => {
    expect(decodeStatus(status(63, 0xff, 0)).battery.percent).toBe(100)
    expect(decodeStatus(status(1, 0xff, 0)).battery.percent).toBeCloseTo(1.587, 3)
  })

  it.each([
    [0x00, 'discharging'],
    [0x40, 'slow-charging'],
    [0x80, 'charging'],
    [0xc0, 'generating'],
  ] as const)('reads battery bits 6–7 of 0x%s as %s', (byte, state) => {
    expect(decodeStatus(status(byte | 5, 0xff, 0)).battery).toMatchObject({ level: 5, state })
  })

  it('reads the temperature as a signed byte', () => {
    expect(decodeStatus(status(0, 0xff, 0x80)).temperature).toBe(-128)
    expect(decodeStatus(status(0, 0xff, 0xff)).temperature).toBe(-1)
    expect(decodeStatus(status(0, 0xff, 0x7f)).temperature).toBe(127)
  })

  it('requires exactly 3 bytes and returns raw as a view of the input', () => {
    expectWireError(() => decodeStatus(new Uint8Array(2)), 'TRUNCATED', 0)
    expectWireError(() => decodeStatus(new Uint8Array(4)), 'TOO_LONG', 3)
    const raw = status(1, 2, 3)
    expect(decodeStatus(raw).raw.buffer).toBe(raw.buffer)
  })

  it('decodes every 3-byte value and nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 }), (b) => {
        const result = decodesOrRejects(decodeStatus, b)
        expect('battery' in result).toBe(b.length === 3)
      }),
    )
  })
})

describe('encodeStatus', () => {
  it('encodes nothing known as 00 ff 00, like the reference server without its library', () => {
    expect(encodeStatus({})).toEqual(status(0, 0xff, 0))
  })

  it('maps percent to ⌊percent / 100 × 63⌋ and mains power to state bits', () => {
    expect(encodeStatus({ battery: { percent: 100, state: 'charging' } })[0]).toBe(0x80 | 63)
    expect(encodeStatus({ battery: { percent: 50 } })[0]).toBe(31)
    expect(encodeStatus({ battery: { percent: 150 } })[0]).toBe(63)
    expect(encodeStatus({ battery: { percent: -5 } })[0]).toBe(0)
    expect(encodeStatus({ battery: { state: 'generating' } })[0]).toBe(0xc0)
  })

  it('uses an explicit level in preference to percent', () => {
    expect(encodeStatus({ battery: { level: 10, percent: 100 } })[0]).toBe(10)
  })

  it('clamps WLAN to −120…−20 dBm and WWAN to −150…−51 dBm; wired is 201, unknown 255', () => {
    expect(encodeStatus({ network: { type: 'wlan', rssi: -130 } })[1]).toBe(0)
    expect(encodeStatus({ network: { type: 'wlan', rssi: -10 } })[1]).toBe(100)
    expect(encodeStatus({ network: { type: 'wlan', rssi: -50.4 } })[1]).toBe(70)
    expect(encodeStatus({ network: { type: 'wwan', rssi: -200 } })[1]).toBe(101)
    expect(encodeStatus({ network: { type: 'wwan', rssi: 0 } })[1]).toBe(200)
    expect(encodeStatus({ network: { type: 'wired' } })[1]).toBe(201)
    expect(encodeStatus({ network: { type: 'unknown' } })[1]).toBe(255)
  })

  it('rounds and clamps the temperature to −127…127 °C', () => {
    expect(encodeStatus({ temperature: 300 })[2]).toBe(127)
    expect(encodeStatus({ temperature: -300 })[2]).toBe(0x81)
    expect(encodeStatus({ temperature: 24.6 })[2]).toBe(25)
  })

  it('rejects NaN, wrong types, unknown states and levels outside 0–63', () => {
    expect(() => encodeStatus({ temperature: Number.NaN })).toThrow(InvalidArgumentError)
    expect(() => encodeStatus({ temperature: '20' as unknown as number })).toThrow(InvalidArgumentError)
    expect(() => encodeStatus({ battery: { level: 64 } })).toThrow(InvalidArgumentError)
    expect(() => encodeStatus({ battery: { percent: Number.NaN } })).toThrow(InvalidArgumentError)
    expect(() => encodeStatus({ battery: { state: 'full' as BatteryState } })).toThrow(InvalidArgumentError)
    expect(() => encodeStatus({ network: { type: 'lte' } as unknown as NetworkStatus })).toThrow(
      InvalidArgumentError,
    )
  })

  it('round-trips: decodeStatus(encodeStatus(x)) reproduces level, state, network and temperature', () => {
    const network = fc.oneof(
      fc.integer({ min: -120, max: -20 }).map((rssi) => ({ type: 'wlan' as const, rssi })),
      fc.integer({ min: -150, max: -51 }).map((rssi) => ({ type: 'wwan' as const, rssi })),
      fc.constant({ type: 'wired' as const }),
      fc.constant({ type: 'unknown' as const }),
    )
    const state = fc.constantFrom<BatteryState>('discharging', 'slow-charging', 'charging', 'generating')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        state,
        network,
        fc.integer({ min: -127, max: 127 }),
        (level, st, net, temperature) => {
          const decoded = decodeStatus(
            encodeStatus({ battery: { level, state: st }, network: net, temperature }),
          )
          expect(decoded.battery).toMatchObject({ level, state: st })
          expect(decoded.network).toEqual(net)
          expect(decoded.temperature).toBe(temperature)
        },
      ),
    )
  })

  it('re-encodes decoded bytes identically except the non-canonical 202, 203–254 and −128', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 3 }), (b) => {
        const again = encodeStatus(decodeStatus(b))
        expect(again[0]).toBe(b[0])
        const network = b[1]!
        expect(again[1]).toBe(network === 202 ? 201 : network > 202 ? 255 : network)
        expect(again[2]).toBe(b[2] === 0x80 ? 0x81 : b[2])
      }),
    )
  })
})
