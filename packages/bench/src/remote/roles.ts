import { randomBytes } from 'node:crypto'
import type { Rate } from '../measure.ts'
import type { Role } from '../scenario.ts'
import { clientRole } from './client-role.ts'
import { type RemoteRole, spawnRole } from './fork.ts'
import { serverRole } from './peers.ts'
import { rawClientRole, rawServerRole } from './raw-peers.ts'

/** The roles every two-process scenario's children play. */
export const PEER_ROLES: Readonly<Record<string, Role>> = {
  server: serverRole as Role,
  client: clientRole as Role,
  'raw-server': rawServerRole as Role,
  'raw-client': rawClientRole as Role,
}

/** A fresh PSK (hex) for one run's processes. */
export function newPsk(): string {
  return randomBytes(32).toString('hex')
}

/** Starts roles of `scenario` in child processes. */
export type Spawn = (role: string, params: unknown) => Promise<RemoteRole & { readonly port: number }>

/**
 * Runs `body` with a function that forks roles of `scenario`, and closes
 * every process it forked afterwards (clients first, then servers), also on failure.
 */
export async function withRoles<T>(scenario: string, body: (spawn: Spawn) => Promise<T>): Promise<T> {
  const started: RemoteRole[] = []
  const spawn: Spawn = async (role, params) => {
    const remote = await spawnRole(scenario, role, params)
    started.push(remote)
    return Object.assign(remote, { port: (remote.info as { port?: number } | null)?.port ?? 0 })
  }
  try {
    return await body(spawn)
  } finally {
    for (const remote of started.reverse()) await remote.close()
  }
}

/** A rate with the CPU time both sides spent per operation. */
export interface Measured {
  readonly perSecond: number
  /** CPU time of the client and every server process per operation (warm-up included), µs. */
  readonly cpuUs: number
}

/** Asks `client` to measure `request`, adding the CPU time `servers` spent meanwhile. */
export async function measure(
  servers: readonly RemoteRole[],
  client: RemoteRole,
  request: unknown,
): Promise<Measured> {
  const cpu = () => Promise.all(servers.map((server) => server.request<{ cpuMs: number }>({})))
  const before = await cpu()
  const rate = await client.request<Rate>(request)
  const after = await cpu()
  const serverMs = after.reduce((sum, { cpuMs }, i) => sum + cpuMs - before[i]!.cpuMs, 0)
  return { perSecond: rate.perSecond, cpuUs: (1000 * (rate.allCpuMs + serverMs)) / rate.allOperations }
}
