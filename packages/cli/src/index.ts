/**
 * @packageDocumentation
 * The `pavillion` command (installed by `@pavillion/cli`): keys, a server,
 * calls, publishing, subscribing, ping, benchmarks and a demo — scriptable,
 * with NDJSON output (`--json`) and meaningful exit statuses (0 success,
 * 1 failure, 2 bad input). `main(argv, io)` is the same entry point with
 * its input and output injected.
 *
 * @example
 * ```sh
 * pavillion keygen psk > kitchen.psk
 * pavillion serve --bind 127.0.0.1 --psk-client kitchen-sensor-1=@kitchen.psk --echo 401 &
 * pavillion call 127.0.0.1:1783 401 hello --client-id kitchen-sensor-1 --psk @kitchen.psk
 * pavillion pub 127.0.0.1:1783 lights kitchen on --client-id kitchen-sensor-1 --psk @kitchen.psk --json
 * ```
 */
export type { CliIo, OutputStream } from './io.ts'
export { COMMANDS, main, version } from './main.ts'
