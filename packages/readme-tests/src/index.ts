/**
 * Runs the code blocks of the READMEs as a user would paste them (test-only, never published).
 *
 * `extractBlocks` finds the fenced blocks of a Markdown file and `kindOf` says
 * what the README test does with each: TypeScript is type-checked
 * (`typecheck`) and run (`transpile`, `runNode`), JavaScript is run as
 * `.mjs`, JSON is parsed, `sh` blocks run as a terminal session
 * (`shellCommands`, `ShellSession`), and a block whose info string has the
 * word `fragment` is never run.
 *
 * @packageDocumentation
 */
export type { BlockKind, CodeBlock } from './blocks.ts'
export { extractBlocks, FRAGMENT, fragmentReason, kindOf, offLoopback, promisedWords } from './blocks.ts'
export { readmeBlocks } from './readmes.ts'
export type { RunResult } from './run.ts'
export { outcomeOf, runNode, transpile, typecheck, USER_COMPILER_OPTIONS } from './run.ts'
export { type ShellCommand, ShellSession, shellCommands } from './shell.ts'
