// The discovered-servers table: what DNS-SD advertisements said, up or down.
// Advertised, not verified: the handshake alone proves who a server is.
import { ago, cell } from './views.js'

/** Rows kept, as the dashboard's own bound (MAX_DISCOVERED): the oldest change goes first. */
const MAX_SERVERS = 64

/** The servers found by discovery, kept as the dashboard sent them (it bounds the list). */
export class DiscoveredPanel {
  constructor(tbody, empty) {
    this.tbody = tbody
    this.empty = empty
    this.servers = new Map()
  }

  /** Replaces the list (a hello, after connecting or reconnecting). */
  reset(list) {
    this.servers.clear()
    for (const server of list ?? []) this.servers.set(server.instance, server)
    this.render()
  }

  /** One server came up, changed or went down. */
  update(server) {
    this.servers.delete(server.instance)
    this.servers.set(server.instance, server)
    if (this.servers.size > MAX_SERVERS) this.servers.delete(this.servers.keys().next().value)
    this.render()
  }

  /** Draws the table again (the "since" column moves on each tick). */
  render() {
    const rows = [...this.servers.values()].map((s) => {
      const tr = document.createElement('tr')
      tr.dataset.instance = s.instance
      tr.dataset.state = s.state
      tr.append(
        cell(s.name === s.instance ? s.name : `${s.name} (${s.instance})`),
        cell(s.addresses.join(', ')),
        cell(String(s.port)),
        cell(s.suites.join(', ')),
        cell(s.fingerprint ?? '—', 'peer'),
        cell(s.state, s.state),
        cell(ago(s.at)),
      )
      return tr
    })
    this.tbody.replaceChildren(...rows)
    this.empty.hidden = rows.length > 0
  }
}
