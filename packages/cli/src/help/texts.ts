const KEY_FLAGS = `Credentials (PSK, or ECC with the server's public key):
  --client-id ID        32 hex characters or exactly 16 bytes of UTF-8 (env PAVILLION_CLIENT_ID)
  --psk KEY             pre-shared key (env PAVILLION_PSK)
  --secret-key KEY      this client's X25519 secret key (env PAVILLION_SECRET_KEY)
  --server-key PUB      the server's X25519 public key (env PAVILLION_SERVER_KEY)
  KEY is 64 hex characters, base64, or @FILE to read it from a file.`

const CLIENT_FLAGS = `  --interface ADDR      interface for a multicast group ADDR, or to look for a NAME or
                        a .local host through mDNS (required then), e.g. 127.0.0.1
  --bind ADDR[:PORT]    local address to send from (default: every interface)
  --json                one JSON object per line (NDJSON)
  --debug               trace every datagram on stderr (also DEBUG=pavillion:*)
  -h, --help            this help`

const ADDRESS = `ADDR is HOST:PORT, [IPV6]:PORT, HOST (port 1783), a multicast group such as
239.255.28.12:1783, or a NAME advertised over mDNS (no ':' or '.'; see pavillion discover).`

/** The help text of every command, as `pavillion <command> --help` prints it (and the README lists it). */
export const HELP = {
  pavillion: `Usage: pavillion <command> [options]

Encrypted, brokerless UDP messaging between devices on a LAN.

Commands:
  keygen psk|ecc        make a pre-shared key or an X25519 key pair
  pubkey SECRET         print the public key of a secret key
  serve                 run a server until interrupted
  discover              list the servers advertised on the LAN (mDNS)
  call ADDR FN [DATA]   call a numbered function and print its result
  pub ADDR TARGET NAME [DATA]
                        publish a message
  sub ADDR TARGET...    print the messages servers send
  registers ADDR        list a server's registers
  read ADDR REG         print a register's value
  write ADDR REG VALUE  write a register
  observe ADDR REG      print a register's value and every change
  ping ADDR             measure round trips with the echo function
  bridge                bridge to an MQTT v5 broker until interrupted
  decode FILE           decode the Pavillion traffic of a pcap or pcapng capture
  ui [ADDR...]          a web dashboard on 127.0.0.1:8080: servers, messages, calls, counters
  bench                 run the benchmarks (from a repository checkout)
  demo                  a tour on this machine only: servers, clients, calls, messages

Run pavillion <command> --help for its options. Exit status: 0 success, 1 failure, 2 bad input.
  --version             print the version (with --verbose: Node.js and the crypto backend)`,

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
message received, RPC served. Serves echo at function 0. Relays each client's
messages to the other clients, so that pub and sub meet through it.
  --port PORT           listening port (default 1783; 0: any free port)
  --bind ADDR           listening address (default 0.0.0.0)
  --multicast GROUP     join a multicast group, e.g. 239.255.28.12 (needs --interface)
  --interface ADDR      the interface that joins the group, e.g. 192.168.1.10
  --psk-client ID=KEY   accept a PSK client (repeatable; KEY may be @FILE)
  --ecc-client ID=PUB   accept an ECC client by its public key (repeatable)
  --clients FILE        JSON {"psk":{"ID":"KEY"},"ecc":{"ID":"PUB"}}
  --config FILE         JSON with any of the settings above (see the README);
                        flags given as well win, and add to repeatable ones
  --secret-key KEY      the server's X25519 secret key, for ECC (env PAVILLION_SECRET_KEY)
  --advertise NAME      advertise over mDNS as NAME (DNS-SD _pavillion._udp), on --interface
                        or on the --bind address
  --allow-guests        accept ECC clients with unknown keys (needs --secret-key)
  --echo FN             also serve echo at function FN (repeatable)
  --no-broker           do not relay each client's messages to the other clients
                        (relaying, --broker, is the default)
  --files DIR           serve the file functions (10-14) from DIR
  --register N:NAME:TYPE[=VALUE]
                        declare a writable register, e.g. 100:temperature:f32=21.5
                        (TYPE: bytes utf8 u8 u16 u32 i32 f32 f64 bool json; repeatable);
                        also serves getConfig/setConfig (24/25) by register name
  --log-level LEVEL     the server's log on stderr: debug, info, warn (default), error
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
  --expect WHO          subscribers (default), all or any
  --wait MS             for a group: after the first server answers, wait MS for
                        the others before publishing (default 250)
  --timeout MS          wait at most MS for acknowledgements (default 5000)
  --hex                 PAYLOAD is hex
  --stdin               read PAYLOAD from standard input
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  sub: `Usage: pavillion sub ADDR TARGET... [options]

Connects and prints every message servers send to one of the TARGETs (* for
all), until interrupted, N messages arrived, or the timeout passed. Says on
stderr when it is connected, and when it is reconnecting after losing the server.
${ADDRESS}
  --count N             exit after N messages
  --timeout MS          exit after MS milliseconds (status 1 if --count was not reached)
  --hex                 print payloads as hex
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  registers: `Usage: pavillion registers ADDR [options]

Lists every register the server declares: number, name, datatype, rw (writable)
or ro, interface and description.
${ADDRESS}
  --timeout MS          give up after MS milliseconds (default 5000)
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  read: `Usage: pavillion read ADDR REG [options]

Prints the value of register REG (0-65535), decoded by its datatype: numbers
and booleans as is, text and JSON as JSON, bytes as 0x-hex. A refusal (e.g.
unknown register) exits with status 1.
${ADDRESS}
  --type TYPE           the datatype, instead of asking the server
  --all                 one line per server of a multicast group
  --timeout MS          give up after MS milliseconds (default 5000; --all gathers 2000)
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  write: `Usage: pavillion write ADDR REG VALUE [options]

Writes VALUE (a number, true/false, text, JSON, or hex for bytes, as the
register's datatype) and waits until the server applied it. A refusal
(read-only, bad value, unknown register) exits with status 1 and the reason.
${ADDRESS}
  --unreliable          send once; do not wait for the server
  --type TYPE           the datatype, instead of asking the server
  --timeout MS          give up after MS milliseconds (default 5000)
${CLIENT_FLAGS}
${KEY_FLAGS}`,

  observe: `Usage: pavillion observe ADDR REG [options]

Prints the register's current value, then every change, until interrupted, N
values arrived, or the timeout passed. Changes faster than the rate limit are
coalesced: the latest value always arrives.
${ADDRESS}
  --rate-limit MS       at most one value per MS milliseconds (default 0)
  --duration MS         each grant on the server, renewed halfway (100-65535, default 10000)
  --count N             exit after N values
  --timeout MS          exit after MS milliseconds (status 1 if --count was not reached)
  --type TYPE           the datatype, instead of asking the server
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

  bridge: `Usage: pavillion bridge --mqtt URL --config FILE [options]

Bridges Pavillion and an MQTT v5 broker until SIGINT or SIGTERM (then exit 0):
the links and the server of FILE (JSON, see @pavillion/mqtt-bridge's README)
publish to pavillion/<id>/<target>/<name>; the file's inbound and rpc rules
are the only ways in from MQTT. Prints started, status lines (counters) and
closed. Credentials are never printed.
  --mqtt URL            mqtt://HOST:1883, mqtts://HOST:8883, ws://…, wss://…
  --config FILE         the bridge configuration (secrets in it may be @FILE)
  --mqtt-username USER  broker user (env PAVILLION_MQTT_USERNAME; @FILE reads it)
  --mqtt-password PASS  broker password (env PAVILLION_MQTT_PASSWORD; @FILE reads it)
  --mqtt-ca FILE        CA certificates for mqtts:// (env PAVILLION_MQTT_CA)
  --mqtt-cert FILE      client certificate (env PAVILLION_MQTT_CERT)
  --mqtt-key FILE       client certificate key (env PAVILLION_MQTT_KEY)
  --status-interval S   a status line every S seconds (default 10; 0: only on changes)
  --json                one JSON object per line (NDJSON)
  --debug               debug lines on stderr (also DEBUG=bridge:*)
  -h, --help            this help`,

  decode: `Usage: pavillion decode FILE [options]

Prints every UDP datagram of a pcap or pcapng capture (tcpdump -w, Wireshark,
dumpcap): setup messages always, encrypted messages when a key opens their
session, the others with the reason; then a summary. Exits 2 when FILE is
not a capture or is cut short, holds no Pavillion datagram, or a key given
does not match the handshakes in it.
  --psk-client ID=KEY   the PSK of client ID (repeatable; KEY may be @FILE)
  --secret-key KEY      an X25519 secret key: a server's, or a client's with
                        its server's (repeatable; KEY may be @FILE)
  --json                one JSON object per line (NDJSON): datagram, summary
  -h, --help            this help`,

  discover: `Usage: pavillion discover --interface ADDR [options]

Lists the Pavillion servers advertised over mDNS (DNS-SD _pavillion._udp) on
the interface ADDR: name, addresses, port, cipher suites and key fingerprint.
Records are hints, not proof: a client still verifies the server's key.
  --interface ADDR      the interface to look on (required), e.g. 192.168.1.10 or 127.0.0.1
  --timeout S           look for S seconds (default 3)
  --watch               keep printing servers that appear, change or leave, until interrupted
  --json                one JSON object per line (NDJSON)
  -h, --help            this help`,

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
  --discover IFACE      also list the servers DNS-SD finds through the interface
                        IFACE (an IP address, repeatable), e.g. 127.0.0.1
  --json                the URL as {"event":"listening","url":…}
  --debug               trace every datagram on stderr (also DEBUG=pavillion:*)
  -h, --help            this help
${KEY_FLAGS}`,

  bench: `Usage: pavillion bench [ARGS...]

Runs the benchmark suite of a repository checkout (packages/bench, built) with
node --expose-gc, passing ARGS through. Outside a checkout it says so and
exits 2: clone the repository and run pnpm bench. On a terminal it shows
which benchmark runs (quiet with --json FILE or when the output is piped).
  -h, --help            this help`,

  demo: `Usage: pavillion demo [--debug]

A tour that stays on this machine: generates keys, starts two servers in the
multicast group 239.255.28.12 (through 127.0.0.1) and one on 127.0.0.1
advertised over mDNS through 127.0.0.1, connects a PSK client and an ECC
client that finds its server by name, calls functions, publishes to both group
members, pushes a message from a server, observes a changing register,
restarts a server and reconnects, then prints what happened and how long each
step took.
  --debug               trace every datagram on stderr
  -h, --help            this help`,
} as const

/** A command that has a help text. */
export type HelpTopic = keyof typeof HELP
