import { InvalidArgumentError } from '@pavillion/core'
import { DIRECTORY_REGISTER, MAX_OBSERVE_DURATION, MAX_RATE_LIMIT } from './limits.ts'

/**
 * A register number: 0–65534, or up to 65535 (the directory) where reading it makes sense.
 * @throws InvalidArgumentError otherwise
 */
export function checkRegister(register: number, directoryAllowed = false): number {
  const max = directoryAllowed ? DIRECTORY_REGISTER : DIRECTORY_REGISTER - 1
  if (!Number.isInteger(register) || register < 0 || register > max) {
    throw new InvalidArgumentError(`"register" expected an integer in 0–${max}, got ${String(register)}`)
  }
  return register
}

/** @throws InvalidArgumentError unless `value` is an integer in 0–65535 */
export function checkU16(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new InvalidArgumentError(`"${name}" expected an integer in 0–65535, got ${String(value)}`)
  }
}

/** @throws InvalidArgumentError unless `value` is a finite number of ms ≥ 0 */
export function checkMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`"${name}" expected a finite number of ms ≥ 0, got ${String(value)}`)
  }
  return value
}

/**
 * An observation's duration (100–65535 ms) and rate limit (0–65535 ms).
 * @throws InvalidArgumentError otherwise
 */
export function checkObserve(durationMs: number, rateLimitMs: number): void {
  if (!Number.isInteger(durationMs) || durationMs < 100 || durationMs > MAX_OBSERVE_DURATION) {
    throw new InvalidArgumentError(
      `"durationMs" expected an integer in 100–${MAX_OBSERVE_DURATION}, got ${String(durationMs)}`,
    )
  }
  if (!Number.isInteger(rateLimitMs) || rateLimitMs < 0 || rateLimitMs > MAX_RATE_LIMIT) {
    throw new InvalidArgumentError(
      `"rateLimitMs" expected an integer in 0–${MAX_RATE_LIMIT}, got ${String(rateLimitMs)}`,
    )
  }
}

/** @throws InvalidArgumentError unless `value` is an integer in 0–`max` */
export function checkBound(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new InvalidArgumentError(`"${name}" expected an integer in 0–${max}, got ${String(value)}`)
  }
  return value
}
