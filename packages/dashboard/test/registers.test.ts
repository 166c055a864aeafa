import { describe, expect, it } from 'vitest'
import { MAX_REGISTERS_PER_SERVER, startDashboard } from '../src/index.ts'
import { startNetwork } from './support/network.ts'
import { type OpenSocket, openSocket } from './support/socket.ts'

const POLL = { timeout: 15_000 }

describe('registers on the dashboard', () => {
  it('observes at most 16 registers per server, sends numbers as numbers and the rest as bounded text', async () => {
    const network = await startNetwork()
    const server = network.servers[1]
    server.registers.declare({
      register: 200,
      name: 'raw',
      datatype: 'bytes',
      value: Uint8Array.of(0xde, 0xad),
    })
    server.registers.declare({ register: 201, name: 'config', datatype: 'json', value: { a: 1 } })
    server.registers.declare({ register: 202, name: 'banner', datatype: 'utf8', value: 'x'.repeat(1000) })
    server.registers.declare({ register: 203, name: 'door', datatype: 'bool', value: true })
    for (let n = 204; n < 220; n++)
      server.registers.declare({ register: n, name: `level${n}`, datatype: 'u16', value: n })
    const dashboard = await startDashboard({ clients: network.clients, port: 0 })
    const origin = new URL(dashboard.url).origin
    const { socket, inbox } = (await openSocket(`${origin.replace(/^http/, 'ws')}/ws`, {
      origin,
    })) as OpenSocket
    const latestOf = async (register: number) => {
      const m = await inbox.next(
        (m) =>
          m.type === 'register' &&
          (m.update as { node: string; register: number }).node === 'c1' &&
          (m.update as { register: number }).register === register,
      )
      return (m.update as { value: unknown }).value
    }
    expect(await latestOf(200)).toBe('0xdead')
    expect(await latestOf(201)).toBe('{"a":1}')
    expect(await latestOf(202)).toBe(`${'x'.repeat(512)}…`)
    expect(await latestOf(203)).toBe('true')
    expect(await latestOf(204)).toBe(204)
    expect(await latestOf(215)).toBe(215)

    const list = (
      await inbox.next((m) => m.type === 'registers' && (m.list as { node: string }).node === 'c1')
    ).list as { registers: { register: number; numeric: boolean; writable: boolean }[]; more: number }
    expect(list.registers.map((r) => r.register)).toEqual(
      Array.from({ length: MAX_REGISTERS_PER_SERVER }, (_, i) => 200 + i),
    )
    expect(list.more).toBe(4)
    expect(list.registers.filter((r) => r.numeric).length).toBe(12)
    await expect.poll(() => server.registers.stats().observers, POLL).toBe(MAX_REGISTERS_PER_SERVER)
    expect(
      inbox.messages.some((m) => m.type === 'register' && (m.update as { register: number }).register >= 216),
    ).toBe(false)

    socket.close()
    await dashboard.close()
    await expect.poll(() => server.registers.stats().observers, POLL).toBe(0)
    await expect.poll(() => network.servers[0].registers.stats().observers, POLL).toBe(0)
    await network.close()
  })
})
