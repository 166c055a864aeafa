import { describe, expect, it } from 'vitest'
import { BackpressureError, ClosedError, PavillionError, TimeoutError } from '../src/errors.ts'

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
})
