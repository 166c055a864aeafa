import type { Rate } from '../measure.ts'
import { newPsk, PEER_ROLES, type Spawn, withRoles } from '../remote/roles.ts'
import { type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'
import { OVERHEAD } from './remote-echo.ts'

// Group datagrams go out through 127.0.0.1 only, with a hop limit of 0.
const PAVILLION_GROUP = '239.255.77.1'
const RAW_GROUP = '239.255.77.2'
const SIZE = 64
const WINDOW = 32

/** Starts `count` server processes of `role` sharing one port in `group`; resolves with the port. */
async function group(
  spawn: Spawn,
  role: string,
  count: number,
  params: object,
  address: string,
): Promise<number> {
  const first = await spawn(role, { ...params, group: { address, port: 0 } })
  for (let i = 1; i < count; i++) await spawn(role, { ...params, group: { address, port: first.port } })
  return first.port
}

/**
 * Reliable publishes to a multicast group of 1 and of 3 server processes,
 * every server acknowledging, 32 in flight; raw: one datagram to the group,
 * complete when every member has echoed it.
 */
export default defineScenario({
  name: 'remote-group',
  mode: 'two-process',
  roles: PEER_ROLES,
  async run({ budget }) {
    const rates: { servers: number; ours: number; raw: number }[] = []
    for (const servers of [1, 3]) {
      rates.push(
        await withRoles('remote-group', async (spawn) => {
          const psk = newPsk()
          const port = await group(spawn, 'server', servers, { psk, clients: 1 }, PAVILLION_GROUP)
          const rawPort = await group(spawn, 'raw-server', servers, {}, RAW_GROUP)
          const client = await spawn('client', { psk, port, group: PAVILLION_GROUP, servers })
          const rawClient = await spawn('raw-client', { port: rawPort, group: RAW_GROUP, servers })
          const request = { kind: 'rate', op: 'publish', size: SIZE, window: WINDOW, budget }
          const ours = await client.request<Rate>(request)
          const raw = await rawClient.request<Rate>({ ...request, size: SIZE + OVERHEAD.publish })
          return { servers, ours: ours.perSecond, raw: raw.perSecond }
        }),
      )
    }
    const rows: Row[] = rates.map(({ servers, ours, raw }) =>
      row(
        `reliable publish to a group of ${servers}, all acknowledge, 32 in flight`,
        `${SIZE} B`,
        ours,
        raw,
        'msg/s',
      ),
    )
    const [one, three] = rates
    rows.push(
      row(
        'group of 3 / group of 1 (rate)',
        `${SIZE} B`,
        three!.ours / one!.ours,
        three!.raw / one!.raw,
        'ratio',
      ),
    )
    return rows
  },
})
