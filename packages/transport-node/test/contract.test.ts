import { setTimeout as sleep } from 'node:timers/promises'
import { transportSuite } from '@pavillion/core/testing'
import { describe, expect, it } from 'vitest'
import { createUdpTransport } from '../src/index.ts'
import { canBind } from '../src/testing/index.ts'

/** Transports on one loopback address; delivery is a 2 ms wait (at most 1 s per expected datagram). */
function loopbackFixture(address: string) {
  return async () => {
    const [a, b, c] = await Promise.all([0, 1, 2].map(() => createUdpTransport({ bind: { address } })))
    return { a: a!, b: b!, c: c!, deliver: () => sleep(2), patience: 500 }
  }
}

transportSuite({ describe, it, expect }, 'UdpTransport over 127.0.0.1', loopbackFixture('127.0.0.1'))

const ipv6 = await canBind('::1')
transportSuite({ describe, it: it.skipIf(!ipv6), expect }, 'UdpTransport over ::1', loopbackFixture('::1'))
