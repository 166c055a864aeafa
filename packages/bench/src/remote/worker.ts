// Entry of every forked benchmark process: plays one role of one scenario
// (see `Scenario.roles`), driven by the parent over the IPC channel.
import { loadScenario } from '../catalog.ts'
import type { RoleInstance } from '../scenario.ts'
import type { ToChild, ToParent } from './messages.ts'

const send = (message: ToParent) => process.send?.(message)
const describe = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error))

let instance: RoleInstance | undefined

async function start(scenario: string, role: string, params: unknown): Promise<void> {
  const play = (await loadScenario(scenario)).roles?.[role]
  if (play === undefined) throw new Error(`scenario ${scenario} has no role ${role}`)
  instance = await (play as (params: unknown) => Promise<RoleInstance>)(params)
  send({ type: 'ready', info: instance.info ?? null })
}

process.on('message', (message: ToChild) => {
  if (message.type === 'start') {
    start(message.scenario, message.role, message.params).catch((error) => {
      send({ type: 'failed', message: describe(error) })
    })
  } else if (message.type === 'request') {
    const handler = instance?.request
    if (handler === undefined) {
      send({ type: 'failed', id: message.id, message: 'this role takes no requests' })
      return
    }
    handler.call(instance, message.request).then(
      (value) => send({ type: 'reply', id: message.id, value }),
      (error) => send({ type: 'failed', id: message.id, message: describe(error) }),
    )
  } else if (message.type === 'close') {
    const closing = instance?.close() ?? Promise.resolve()
    closing.finally(() => {
      send({ type: 'closed' })
      process.disconnect()
    })
  }
})
// The parent went away: nothing more to do here.
process.on('disconnect', () => process.exit(0))
