const KEY_FLAGS = `Credentials (PSK, or ECC with the server's public key):
  --client-id ID        32 hex characters or exactly 16 bytes of UTF-8 (env PAVILLION_CLIENT_ID)
  --psk KEY             pre-shared key (env PAVILLION_PSK)
  --secret-key KEY      this client's X25519 secret key (env PAVILLION_SECRET_KEY)
  --server-key PUB      the server's X25519 public key (env PAVILLION_SERVER_KEY)
  KEY is 64 hex characters, base64, or @FILE to read it from a file.`

const CLIENT_FLAGS = `  --interface ADDR      interface for a multicast group ADDR (required then), e.g. 127.0.0.1
  --bind ADDR[:PORT]    local address to send from (default: every interface)
  --json                one JSON object per line (NDJSON)
  --debug               trace every datagram on stderr (also DEBUG=pavillion:*)
  -h, --help            this help`

const ADDRESS = `ADDR is HOST:PORT, [IPV6]:PORT, HOST (port 1783) or a multicast group such as 239.255.28.12:1783.`

/** The help text of every command, as `pavillion <command> --help` prints it (and the README lists it). */
export const HELP = {
  pavillion: `Usage: pavillion <command> [options]

Encrypted, brokerless UDP messaging between devices on a LAN.

Commands:
  keygen psk|ecc        make a pre-shared key or an X25519 key pair
  pubkey SECRET         print the public key of a secret key
  serve                 run a server until interrupted
  call ADDR FN [DATA]   call a numbered function and print its result
  pub ADDR TARGET NAME [DATA]
                        publish a message
  sub ADDR TARGET...    print the messages servers send
  ping ADDR             measure round trips with the echo function
  ui [ADDR...]          a web dashboard on 127.0.0.1:8080: servers, messages, calls, counters
  bench                 run the benchmarks (from a repository checkout)
  demo                  a tour on this machine only: servers, clients, calls, messages

Run pavillion <command> --help for its options. Exit status: 0 success, 1 failure, 2 bad input.
  --version             print the version`,

  keygen: `Usage: pavillion keygen psk|ecc [--json]

  psk   print a new random pre-shared key: 64 hex characters
  ecc   print a new X25519 key pair: {"publicKey":HEX,"secretKey":HEX}

Keep secrets in a file readable only by you and pass them as @FILE.
  --json                psk as {"event":"psk","psk":HEX}
  -h, --help            this help`,

  pubkey: `Usage: pavillion pubkey [SECRET] [--json]

Prints the X25519 public key of SECRET (64 hex characters, base64, or @FILE;
default: the environment variable PAVILLION_SECRET_KEY).
  --json                {"event":"pubkey","publicKey":HEX}
  -h, --help            this help`,

  serve: `Usage: pavillion serve [options]

Runs a server until SIGINT or SIGTERM, then closes cleanly (exit 0). Prints one
line per event: listening (first, with the bound port), session opened/closed,
message received, RPC served. Serves echo at function 0.
  --port PORT           listening port (default 1783; 0: any free port)
  --bind ADDR           listening address (default 0.0.0.0)
  --multicast GROUP     join a multicast group, e.g. 239.255.28.12 (needs --interface)
  --interface ADDR      the interface that joins the group, e.g. 192.168.1.10
  --psk-client ID=KEY   accept a PSK client (repeatable; KEY may be @FILE)
  --ecc-client ID=PUB   accept an ECC client by its public key (repeatable)
  --clients FILE        JSON {"psk":{"ID":"KEY"},"ecc":{"ID":"PUB"}}
  --secret-key KEY      the server's X25519 secret key, for ECC (env PAVILLION_SECRET_KEY)
  --allow-guests        accept ECC clients with unknown keys (needs --secret-key)
  --echo FN             also serve echo at function FN (repeatable)
  --broker              re-publish each client's messages to the other clients
  --files DIR           serve the file functions (10-14) from DIR
  --json                one JSON object per line (NDJSON)
  --debug               trace every datagram on stderr (also DEBUG=pavillion:*)
  -h, --help            this help`,

  call: `Usage: pavillion call ADDR FN [PAYLOAD] [options]

Calls function FN (0-65535) with PAYLOAD (UTF-8 text, hex with --hex, or
standard input with --stdin) and prints the result: as text when it is
printable UTF-8, else as hex. A remote error exits with status 1.
${ADDRESS}
  --timeout MS          give up after MS milliseconds (default 5000)
  --all                 gather the answer of every server of a multicast group
  --hex                 PAYLOAD and the printed result are hex
  --stdin               read PAYLOAD from standard input
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  pub: `Usage: pavillion pub ADDR TARGET NAME [PAYLOAD] [options]

Publishes PAYLOAD as message NAME of TARGET and prints the delivery report:
who acknowledged it and who did not. Exits 1 unless every expected server
acknowledged (an --unreliable publish succeeds once sent).
${ADDRESS}
  --unreliable          fire and forget (no acknowledgement)
  --count N             publish N times, one after the other (default 1)
  --expect WHO          subscribers (default), connected or any
  --wait MS             for a group: after the first server answers, wait MS for
                        the others before publishing (default 250)
  --timeout MS          wait at most MS for acknowledgements (default 5000)
  --hex                 PAYLOAD is hex
  --stdin               read PAYLOAD from standard input
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  sub: `Usage: pavillion sub ADDR TARGET... [options]

Connects and prints every message servers send to one of the TARGETs (* for
all), until interrupted, N messages arrived, or the timeout passed.
${ADDRESS}
  --count N             exit after N messages
  --timeout MS          exit after MS milliseconds (status 1 if --count was not reached)
  --hex                 print payloads as hex
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  ping: `Usage: pavillion ping ADDR [options]

Calls the echo function COUNT times and prints each round trip and the
statistics (min/avg/max/mdev). Exits 1 unless every call was answered.
${ADDRESS}
  --count N             calls to make (default 4)
  --interval MS         pause between calls (default 200)
  --fn FN               the echo function (default 0)
  --size BYTES          payload size (default 16)
  --timeout MS          per call and for the first connection (default 2000)
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  ui: `Usage: pavillion ui [ADDR...] [options]

Serves a web dashboard until SIGINT or SIGTERM: the servers and clients this
node knows (RTT, status bytes, last seen), live messages, forms to call a
function and to publish, and live counter charts. It runs one client per ADDR,
all with the same credentials, and with --listen a server of its own whose
sessions it shows. Prints the URL first. Nothing is loaded from the network.
${ADDRESS}
  --port PORT           the dashboard's HTTP port (default 8080; 0: any free port)
  --bind ADDR           its HTTP address (default 127.0.0.1); any other address
                        needs the one-time token printed in the URL
  --listen ADDR:PORT    also run a PSK server there (needs --psk-client)
  --psk-client ID=KEY   a client the --listen server accepts (repeatable)
  --interface ADDR      interface for a multicast group ADDR (required then)
  --json                the URL as {"event":"listening","url":…}
  --debug               trace every datagram on stderr (also DEBUG=pavillion:*)
  -h, --help            this help
${KEY_FLAGS}`,

  bench: `Usage: pavillion bench [ARGS...]

Runs the benchmark suite of a repository checkout (packages/bench, built) with
node --expose-gc, passing ARGS through. Outside a checkout it says so and
exits 2: clone the repository and run pnpm bench.
  -h, --help            this help`,

  demo: `Usage: pavillion demo [--debug]

A tour that stays on this machine: generates keys, starts two servers in the
multicast group 239.255.28.12 (through 127.0.0.1) and one on 127.0.0.1,
connects a PSK and an ECC client, calls functions, publishes to both group
members, pushes a message from a server, restarts a server and reconnects,
then prints what happened and how long each step took.
  --debug               trace every datagram on stderr
  -h, --help            this help`,
} as const

/** A command that has a help text. */
export type HelpTopic = keyof typeof HELP
