/** A stream the CLI writes lines to. */
export interface OutputStream {
  write(text: string): unknown
  /** True for a terminal: colours are used only then. */
  readonly isTTY?: boolean
}

/**
 * Everything a command touches outside itself, injected so tests can run
 * commands in-process: output streams, standard input, the environment, and
 * the signal that SIGINT/SIGTERM abort.
 */
export interface CliIo {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  /** Standard input, opened only when a command reads it (`--stdin`). */
  readonly stdin: () => AsyncIterable<Uint8Array | string>
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborts when the user interrupts (SIGINT, SIGTERM): long-running commands then close cleanly. */
  readonly signal: AbortSignal
}

/** Reads standard input to its end. */
export async function readAll(io: CliIo): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of io.stdin()) {
    chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk)
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}
