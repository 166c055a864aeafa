/** Where the bridge writes its debug lines: `namespace` is `bridge:mqtt`, `bridge:out`, … */
export type BridgeLogger = (namespace: string, line: string) => void

/** The bridge's debug namespaces. */
export const NAMESPACES = [
  'bridge:mqtt',
  'bridge:out',
  'bridge:in',
  'bridge:rpc',
  'bridge:presence',
  'bridge:discovery',
  'bridge:registers',
] as const

/** A bridge debug namespace. */
export type Namespace = (typeof NAMESPACES)[number]

function patternOf(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
}

/**
 * Which namespaces a `DEBUG`-style list enables: comma- or space-separated
 * globs (`bridge:*`, `bridge:in,bridge:out`), `-glob` to exclude — the
 * convention of the `debug` package that MQTT.js itself logs through.
 */
export function enabledNamespaces(list: string | undefined): Set<Namespace> {
  const enabled = new Set<Namespace>()
  if (list === undefined) return enabled
  const globs = list.split(/[\s,]+/).filter((g) => g !== '')
  for (const name of NAMESPACES) {
    let on = false
    for (const glob of globs) {
      if (glob.startsWith('-')) {
        if (patternOf(glob.slice(1)).test(name)) on = false
      } else if (patternOf(glob).test(name)) on = true
    }
    if (on) enabled.add(name)
  }
  return enabled
}

/**
 * A logger writing `namespace line` to `write` for the namespaces `list`
 * enables (e.g. `process.env.DEBUG`); undefined when it enables none.
 */
export function debugLogger(
  list: string | undefined,
  write: (text: string) => void,
): BridgeLogger | undefined {
  const enabled = enabledNamespaces(list)
  if (enabled.size === 0) return undefined
  return (namespace, line) => {
    if (enabled.has(namespace as Namespace)) write(`${namespace} ${line}\n`)
  }
}
