import { readFileSync } from 'node:fs'
import { loadCrypto } from 'pavillion/crypto'
import { bench } from './commands/bench.ts'
import { bridge } from './commands/bridge.ts'
import { call } from './commands/call.ts'
import type { Command } from './commands/command.ts'
import { decode } from './commands/decode.ts'
import { demo } from './commands/demo.ts'
import { discover } from './commands/discover.ts'
import { help, printHelp } from './commands/help.ts'
import { keygen } from './commands/keygen.ts'
import { observe } from './commands/observe.ts'
import { ping } from './commands/ping.ts'
import { pub } from './commands/pub.ts'
import { pubkey } from './commands/pubkey.ts'
import { read } from './commands/read.ts'
import { registers } from './commands/registers.ts'
import { serve } from './commands/serve.ts'
import { sub } from './commands/sub.ts'
import { ui } from './commands/ui.ts'
import { write } from './commands/write.ts'
import { failureOf } from './exit-status.ts'
import type { CliIo } from './io.ts'
import { UsageError } from './usage-error.ts'

/** Every subcommand, by name. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  keygen,
  pubkey,
  serve,
  discover,
  call,
  pub,
  sub,
  registers,
  read,
  write,
  observe,
  ping,
  bridge,
  decode,
  ui,
  bench,
  demo,
  help,
}

/** The version of this package. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return manifest.version
}

/** `--version --verbose`: the version, the runtime and the crypto backend this process chose. */
async function verboseVersion(): Promise<string> {
  const { backend } = await loadCrypto()
  const library = backend === 'native' ? 'sodium-native' : 'libsodium-wrappers, WebAssembly'
  return [
    `pavillion ${version()}`,
    `node ${process.version} (${process.platform} ${process.arch})`,
    `crypto backend: ${backend} (${library}); PAVILLION_CRYPTO=wasm|native forces one`,
    '',
  ].join('\n')
}

/**
 * Runs the CLI: `argv` without the node and script paths. Resolves with the
 * exit status — 0 success, 1 remote or runtime failure, 2 bad input, 130
 * interrupted — after printing any failure as one line on stderr.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  try {
    if (name === undefined || name === '--help' || name === '-h') return printHelp('pavillion', io)
    if (name === '--version' || name === '-v') {
      io.stdout.write(rest.includes('--verbose') ? await verboseVersion() : `${version()}\n`)
      return 0
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
    if (command === undefined) {
      throw new UsageError(`unknown command "${name}"; run pavillion --help for the list`)
    }
    return await command(rest, io)
  } catch (error) {
    const failure = failureOf(error)
    io.stderr.write(
      `pavillion${name === undefined || !Object.hasOwn(COMMANDS, name) ? '' : ` ${name}`}: ${failure.message}\n`,
    )
    return failure.status
  }
}
