import { type ChildProcessByStdio, spawn } from 'node:child_process'
import type { Readable } from 'node:stream'
import ts from 'typescript'

/**
 * The compiler options a user's project would have for the examples: strict
 * ESM for Node (NodeNext), ES2022 output, Node's types. The packages are
 * resolved as a user resolves them — through `node_modules`, to their built
 * `dist/` and its declarations (no source condition).
 */
export const USER_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
  types: ['node'],
  strict: true,
  skipLibCheck: true,
  noEmit: true,
}

/** Type-checks the `.mts` files together; returns each file's diagnostics as text (empty when clean). */
export function typecheck(files: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram(files, USER_COMPILER_OPTIONS)
  const out = new Map<string, string[]>(files.map((file) => [file, []]))
  const host: ts.FormatDiagnosticsHost = {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  }
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName
    const text = ts.formatDiagnostic(diagnostic, host).trim()
    const list = file === undefined ? undefined : out.get(file)
    if (list !== undefined) list.push(text)
    else for (const entry of out.values()) entry.push(text) // a global problem concerns every file
  }
  return out
}

/** TypeScript source as the JavaScript module `tsc` would emit for the user's options. */
export function transpile(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText
}

/** How a program ended. */
export interface RunResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly timedOut: boolean
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `file` with the Node running this process (no flags, no loaders), in
 * `cwd`; kills it after `timeoutMs`. Never rejects for the program's sake.
 */
export function runNode(file: string, cwd: string, timeoutMs: number): Promise<RunResult> {
  return outcomeOf(spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }), timeoutMs)
}

/**
 * How `child` (spawned with piped stdout and stderr) ends: its status and
 * output; it is killed after `timeoutMs`. Rejects only when it cannot start.
 */
export function outcomeOf(
  child: ChildProcessByStdio<null, Readable, Readable>,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        code,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      })
    })
  })
}
