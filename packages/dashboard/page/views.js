// Rendering helpers. Everything from the network is put in the page with
// textContent, never as HTML.

/** A table cell with `text`. */
export function cell(text, className) {
  const td = document.createElement('td')
  td.textContent = text
  if (className) td.className = className
  return td
}

/** "3 s ago", "2 min ago", or "—". */
export function ago(at, now = Date.now()) {
  if (at === null || at === undefined) return '—'
  const s = Math.max(0, Math.round((now - at) / 1000))
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`
}

/** Bytes as the server sent them ({ text, hex, length }): the text when printable, else hex. */
function bytesText(view) {
  const shown = view.text !== null ? JSON.stringify(view.text) : `0x${view.hex}`
  return view.length > view.hex.length / 2 ? `${shown}… (${view.length} bytes)` : shown
}

/** One row per peer of every node. */
export function renderPeers(tbody, empty, nodes) {
  const rows = []
  for (const node of nodes) {
    for (const peer of node.peers) {
      const tr = document.createElement('tr')
      tr.dataset.node = node.id
      tr.dataset.role = node.kind === 'client' ? 'server' : 'client'
      const s = peer.status
      tr.append(
        cell(`${node.id} ${node.kind === 'client' ? '→' : '@'} ${node.address}`),
        cell(node.kind === 'client' ? 'server' : 'client'),
        cell(peer.key, 'peer'),
        cell(peer.suite),
        cell(peer.clientId ?? ''),
        cell(peer.rtt === null ? '—' : `${peer.rtt.toFixed(2)} ms`),
        cell(s === null ? '—' : s.battery === null ? 'none' : `${s.battery} % ${s.batteryState}`),
        cell(s === null ? '—' : s.rssi === null ? s.network : `${s.network} ${s.rssi} dBm`),
        cell(s === null ? '—' : `${s.temperature} °C`),
        cell(ago(peer.lastSeen)),
      )
      rows.push(tr)
    }
    if (node.more > 0) {
      const tr = document.createElement('tr')
      tr.append(cell(`${node.id}: ${node.more} more not shown`))
      rows.push(tr)
    }
  }
  tbody.replaceChildren(...rows)
  empty.hidden = rows.length > 0
}

/** The row of one message. */
export function messageRow(m) {
  const tr = document.createElement('tr')
  tr.dataset.target = m.target
  tr.append(
    cell(new Date(m.at).toLocaleTimeString()),
    cell(m.direction === 'in' ? '⇣' : '⇡', m.direction),
    cell(m.node),
    cell(m.target),
    cell(m.name),
    cell(bytesText(m.payload), 'payload'),
    cell(m.peer),
  )
  return tr
}

/** The text of a command's reply. */
export function replyText(reply) {
  if (!reply.ok) {
    const e = reply.error
    const status = e.status === null ? '' : ` status ${e.status} (${e.statusName})`
    return `${e.name}${e.code ? ` ${e.code}` : ''}${status}: ${e.message}`
  }
  const took = `${reply.elapsed.toFixed(1)} ms`
  if (reply.kind === 'call')
    return `result (${reply.result.length} bytes, ${took}): ${bytesText(reply.result)}`
  if (reply.kind === 'call-all') {
    const lines = reply.result.map((r) =>
      'result' in r
        ? `${r.server}: ${bytesText(r.result)}`
        : `${r.server}: ${r.error.name}: ${r.error.message}`,
    )
    return [`${reply.result.length} server(s) answered (${took})`, ...lines].join('\n')
  }
  const r = reply.result
  return `${r.outcome} (${took})${r.acked.length ? `\nacknowledged by ${r.acked.join(', ')}` : ''}${r.missing.length ? `\nmissing ${r.missing.join(', ')}` : ''}`
}
