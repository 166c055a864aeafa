import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The dissector shipped in this package. */
const DISSECTOR = fileURLToPath(new URL('../../wireshark/pavillion.lua', import.meta.url))

/** A fresh, empty Wireshark configuration folder, so that no personal preference or plugin changes the output. */
const home = mkdtempSync(join(tmpdir(), 'pavillion-tshark-'))

/** The `pavillion` layer of each frame (`undefined` where the dissector did not claim it), by frame number. */
export type Layers = Map<number, Record<string, unknown> | undefined>

/**
 * Reads `path` with tshark and the Lua dissector (`-X lua_script:`), no live capture and no name
 * resolution, `prefs` given as `-o` options, and returns the JSON layers of every frame.
 */
export function dissect(path: string, prefs: readonly string[] = []): Layers {
  const args = [
    '-n',
    '-X',
    `lua_script:${DISSECTOR}`,
    ...prefs.flatMap((p) => ['-o', p]),
    '-r',
    path,
    '-T',
    'json',
  ]
  const out = execFileSync('tshark', args, {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  })
  const frames = JSON.parse(out.toString()) as {
    _source: { layers: Record<string, Record<string, unknown>> }
  }[]
  const layers: Layers = new Map()
  for (const frame of frames) {
    const number = Number(frame._source.layers.frame?.['frame.number'])
    layers.set(number, frame._source.layers.pavillion)
  }
  return layers
}

/** tshark's rendering of a byte field (`63:61:…`) as plain hex. */
export function hexOf(value: unknown): string {
  return String(value).replaceAll(':', '')
}
