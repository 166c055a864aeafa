import { describe, expect, it } from 'vitest'
import { REJECTION_LOG_INTERVAL, RejectionLog } from '../src/server/rejection-log.ts'

const a = { address: '127.0.0.1', port: 4000 }
const b = { address: '127.0.0.2', port: 4000 }

describe('RejectionLog', () => {
  it('admits one line per address per interval and counts the withheld ones on the next line', () => {
    let now = 0
    const log = new RejectionLog(() => now)
    expect(log.admit(a)).toBe('')
    expect(log.admit(a)).toBeUndefined()
    expect(log.admit(a)).toBeUndefined()
    expect(log.admit(b)).toBe('') // another address has its own window
    expect(log.admit({ ...a, port: 4001 })).toBeUndefined() // another port of the same host does not
    now = REJECTION_LOG_INTERVAL - 1
    expect(log.admit(a)).toBeUndefined()
    now = REJECTION_LOG_INTERVAL
    expect(log.admit(a)).toBe(' (4 more from this address not logged)')
    expect(log.admit(a)).toBeUndefined()
  })

  it('stays bounded under a flood from many addresses and reports it as a shared count', () => {
    let now = 0
    const log = new RejectionLog(() => now)
    let admitted = 0
    for (let i = 0; i < 5000; i++)
      if (log.admit({ address: `10.0.${i >> 8}.${i & 255}`, port: 1 }) !== undefined) admitted++
    expect(admitted).toBe(1024)
    now = REJECTION_LOG_INTERVAL
    expect(log.admit({ address: '10.1.0.0', port: 1 })).toBe(' (3976 from other addresses not logged)')
  })
})
