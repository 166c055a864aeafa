import type { Client, Server } from '@pavillion/core'

/**
 * What `ClientPubSub` uses of a core `Client` (a `Client` is one). Declared
 * as a pick so tests and wrappers can stand in for the facade.
 */
export type ClientFacade = Pick<
  Client,
  'handle' | 'on' | 'send' | 'sendTracked' | 'servers' | 'serverState' | 'now' | 'signal'
>

/** What `ServerPubSub` uses of a core `Server` (a `Server` is one). */
export type ServerFacade = Pick<
  Server,
  'handle' | 'on' | 'send' | 'sendTracked' | 'sessions' | 'now' | 'signal'
>
