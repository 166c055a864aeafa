import type { RemoteRole } from '../remote/fork.ts'
import { type Measured, measure, newPsk, PEER_ROLES, type Spawn, withRoles } from '../remote/roles.ts'
import { measuredRow, type Row, row } from '../row.ts'
import { defineScenario } from '../scenario.ts'
import { OVERHEAD } from './remote-echo.ts'

// Group datagrams go out through 127.0.0.1 only, with a hop limit of 0.
const PAVILLION_GROUP = '239.255.77.1'
const RAW_GROUP = '239.255.77.2'
const SIZE = 64
const WINDOW = 32

/** Starts `count` server processes of `role` sharing one port in `group`. */
async function group(
  spawn: Spawn,
  role: string,
  count: number,
  params: object,
  address: string,
): Promise<RemoteRole[]> {
  const first = await spawn(role, { ...params, group: { address, port: 0 } })
  const members: RemoteRole[] = [first]
  for (let i = 1; i < count; i++)
    members.push(await spawn(role, { ...params, group: { address, port: first.port } }))
  return members
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
    const rates: { servers: number; ours: Measured; raw: Measured }[] = []
    for (const servers of [1, 3]) {
      rates.push(
        await withRoles('remote-group', async (spawn) => {
          const psk = newPsk()
          const members = await group(spawn, 'server', servers, { psk, clients: 1 }, PAVILLION_GROUP)
          const rawMembers = await group(spawn, 'raw-server', servers, {}, RAW_GROUP)
          const port = (members[0]!.info as { port: number }).port
          const rawPort = (rawMembers[0]!.info as { port: number }).port
          const client = await spawn('client', { psk, port, group: PAVILLION_GROUP, servers })
          const rawClient = await spawn('raw-client', { port: rawPort, group: RAW_GROUP, servers })
          const request = { kind: 'rate', op: 'publish', size: SIZE, window: WINDOW, budget }
          const ours = await measure(members, client, request)
          const raw = await measure(rawMembers, rawClient, { ...request, size: SIZE + OVERHEAD.publish })
          return { servers, ours, raw }
        }),
      )
    }
    const rows: Row[] = rates.map(({ servers, ours, raw }) =>
      measuredRow(
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
        three!.ours.perSecond / one!.ours.perSecond,
        three!.raw.perSecond / one!.raw.perSecond,
        'ratio',
      ),
    )
    return rows
  },
})
