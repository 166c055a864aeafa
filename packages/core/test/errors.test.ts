import * as wire from '@pavillion/wire'
import { describe, expect, it } from 'vitest'
import {
  BackpressureError,
  ClosedError,
  InvalidArgumentError,
  PavillionError,
  TimeoutError,
} from '../src/index.ts'
import { ReplayWindow } from '../src/replay-window.ts'

describe('errors', () => {
  it('instanceof tells the classes apart and recognises the base class', () => {
    const closed = new ClosedError()
    expect(closed).toBeInstanceOf(PavillionError)
    expect(closed).toBeInstanceOf(ClosedError)
    expect(closed instanceof TimeoutError).toBe(false)
    expect(new TimeoutError('late', 100, 3)).toMatchObject({ code: 'ERR_TIMEOUT', waited: 100, attempts: 3 })
    expect(new BackpressureError('full').code).toBe('ERR_BACKPRESSURE')
  })

  it('recognises an error made by another copy of the package (process-wide brands)', () => {
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('pavillion.error.PavillionError')]: true,
      [Symbol.for('pavillion.error.TimeoutError')]: true,
    })
    expect(foreign instanceof PavillionError).toBe(true)
    expect(foreign instanceof TimeoutError).toBe(true)
    expect(foreign instanceof ClosedError).toBe(false)
    expect(new Error('plain') instanceof PavillionError).toBe(false)
  })

  it("re-exports wire's PavillionError and InvalidArgumentError themselves, not copies", () => {
    expect(PavillionError).toBe(wire.PavillionError)
    expect(InvalidArgumentError).toBe(wire.InvalidArgumentError)
    expect(new wire.WireDecodeError('TRUNCATED', 0, 'short')).toBeInstanceOf(PavillionError)
    expect(new ClosedError()).toBeInstanceOf(wire.PavillionError)
  })

  it('an argument check of the engine throws InvalidArgumentError (code ERR_INVALID_ARGUMENT) with its message', () => {
    expect(() => new ReplayWindow(0n, 100)).toThrow(InvalidArgumentError)
    expect(() => new ReplayWindow(0n, 100)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARGUMENT',
        message: expect.stringMatching(/^"size" expected/),
      }),
    )
  })
})
