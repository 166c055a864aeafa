import { checkInt, checkNumber, checkString, typeName } from './check.ts'
import { InvalidArgumentError } from './pavillion-error.ts'
import { Reader } from './reader.ts'

/** The 3 raw status bytes of an ack (§11): battery, network, temperature. Decode with {@link decodeStatus}. */
export type StatusBytes = Uint8Array

/** Battery bits 6–7 (§11): 0 discharging, 1 slow charging (on power but still discharging), 2 charging, 3 generating. */
export type BatteryState = 'discharging' | 'slow-charging' | 'charging' | 'generating'

const STATES: readonly BatteryState[] = ['discharging', 'slow-charging', 'charging', 'generating']

/** The network status byte (§11): WLAN or WWAN with RSSI in dBm, wired, or unknown. */
export type NetworkStatus =
  | { type: 'wlan'; rssi: number }
  | { type: 'wwan'; rssi: number }
  | { type: 'wired' }
  | { type: 'unknown' }

/** Decoded status bytes. */
export type DeviceStatus = {
  battery: {
    /** 0–63; 0 = no battery information. */
    level: number
    /** `level / 63 × 100`, undefined when `level` is 0. */
    percent: number | undefined
    state: BatteryState
  }
  network: NetworkStatus
  /** Device temperature in °C (i8). */
  temperature: number
  /** The 3 bytes decoded (a subarray of the input). */
  raw: Uint8Array
}

/** What {@link encodeStatus} reports; every part is optional. A {@link DeviceStatus} is accepted as is. */
export type StatusInput = {
  battery?: { percent?: number | undefined; level?: number; state?: BatteryState }
  network?: NetworkStatus
  temperature?: number
}

/** Network byte values (§11). */
const WLAN_MAX = 100
const WWAN_MAX = 200
const WIRED = 201
/** What the reference client decodes as wired (§11, D18). */
const WIRED_REFERENCE = 202
const UNKNOWN = 255

/**
 * Decodes exactly 3 status bytes the correct way, not the reference client's
 * (D18): WWAN RSSI = value − 251, both 201 (docs) and 202 (reference client)
 * mean wired, percent = level / 63 × 100 (the producer's scale).
 *
 * @throws WireDecodeError `TRUNCATED` / `TOO_LONG` unless `bytes` has exactly 3 bytes
 * @throws InvalidArgumentError when `bytes` is not a Uint8Array
 */
export function decodeStatus(bytes: Uint8Array): DeviceStatus {
  const r = new Reader(bytes)
  const raw = r.bytes(3, 'status')
  r.end('status')
  const battery = raw[0]!
  const network = raw[1]!
  const level = battery & 63
  return {
    battery: { level, percent: level === 0 ? undefined : (level / 63) * 100, state: STATES[battery >> 6]! },
    network: decodeNetwork(network),
    temperature: (raw[2]! << 24) >> 24,
    raw,
  }
}

function decodeNetwork(value: number): NetworkStatus {
  if (value <= WLAN_MAX) return { type: 'wlan', rssi: value - 120 }
  if (value <= WWAN_MAX) return { type: 'wwan', rssi: value - 251 }
  if (value === WIRED || value === WIRED_REFERENCE) return { type: 'wired' }
  return { type: 'unknown' }
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value))

/** Validates a measurement: a number, not NaN (±Infinity is clamped like any other value). */
function measurement(name: string, value: unknown): number {
  const n = checkNumber(name, value)
  if (Number.isNaN(n)) throw new InvalidArgumentError(`"${name}" expected a number, got NaN`)
  return n
}

function encodeBattery(battery: StatusInput['battery']): number {
  if (battery === undefined) return 0
  let state = 0
  if (battery.state !== undefined) {
    state = STATES.indexOf(checkString('battery.state', battery.state) as BatteryState)
    if (state < 0)
      throw new InvalidArgumentError(
        `"battery.state" expected one of ${STATES.join(', ')}, got '${battery.state}'`,
      )
  }
  let level = 0
  if (battery.level !== undefined) level = checkInt('battery.level', battery.level, 63)
  else if (battery.percent !== undefined) {
    level = Math.floor((clamp(measurement('battery.percent', battery.percent), 0, 100) / 100) * 63)
  }
  return (state << 6) | level
}

function encodeNetwork(network: NetworkStatus | undefined): number {
  if (network === undefined) return UNKNOWN
  switch (network.type) {
    case 'wlan':
      return clamp(Math.round(measurement('network.rssi', network.rssi)), -120, -20) + 120
    case 'wwan':
      return clamp(Math.round(measurement('network.rssi', network.rssi)), -150, -51) + 251
    case 'wired':
      return WIRED
    case 'unknown':
      return UNKNOWN
    default: {
      const type: unknown = (network as { type?: unknown }).type
      throw new InvalidArgumentError(
        `"network.type" expected wlan, wwan, wired or unknown, got ${typeof type === 'string' ? `'${type}'` : typeName(type)}`,
      )
    }
  }
}

/**
 * Encodes 3 status bytes with the reference producer's rules (§11), clamping
 * measurements: battery level = ⌊percent / 100 × 63⌋ (or `level` as given,
 * which wins over `percent`; absent = 0, no information); WLAN RSSI clamped to
 * −120…−20 dBm, WWAN to −150…−51 dBm; wired = 201 (the documented value —
 * reference clients show it as unknown, D18); absent network = 255 (unknown);
 * temperature rounded and clamped to −127…127 °C (absent = 0).
 *
 * @throws InvalidArgumentError for wrongly typed fields, NaN, an unknown state or a level outside 0–63
 */
export function encodeStatus(s: StatusInput): Uint8Array {
  const temperature =
    s.temperature === undefined ? 0 : clamp(Math.round(measurement('temperature', s.temperature)), -127, 127)
  return Uint8Array.of(encodeBattery(s.battery), encodeNetwork(s.network), temperature & 0xff)
}
