// The dashboard page: one WebSocket to the server that served it, the
// tables and forms, the counters chart and the registers panel.
import { DiscoveredPanel } from './discovered.js'
import { LiveChart } from './live-chart.js'
import { RegistersPanel } from './registers.js'
import { messageRow, renderPeers, replyText } from './views.js'

/** Messages the page keeps (older rows are removed). */
const MAX_ROWS = 500

const $ = (id) => document.getElementById(id)
const token = new URLSearchParams(location.search).get('token')
const socketUrl = `ws://${location.host}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`

const registers = new RegistersPanel($('registers'), $('no-registers'))
const discovered = new DiscoveredPanel($('discovered').tBodies[0], $('no-discovered'))

const state = {
  nodes: [],
  targets: new Set(),
  chart: undefined,
  names: [],
  previous: undefined,
  nextId: 1,
  pending: new Map(),
}

function setConnection(text, value) {
  const badge = $('connection')
  badge.textContent = text
  badge.dataset.state = value
}

function fillNodeSelects() {
  const fill = (select, nodes) => {
    const chosen = select.value
    select.replaceChildren(
      ...nodes.map((n) => {
        const option = document.createElement('option')
        option.value = n.id
        option.textContent = `${n.id} ${n.kind === 'client' ? '→' : '@'} ${n.address}`
        return option
      }),
    )
    if (nodes.some((n) => n.id === chosen)) select.value = chosen
  }
  fill(
    $('call-form').elements.node,
    state.nodes.filter((n) => n.kind === 'client'),
  )
  fill($('publish-form').elements.node, state.nodes)
}

function showNodes(nodes) {
  const changed = nodes.map((n) => n.id).join() !== state.nodes.map((n) => n.id).join()
  state.nodes = nodes
  renderPeers($('peers').tBodies[0], $('no-peers'), nodes)
  if (changed) fillNodeSelects()
}

function matches(row) {
  const target = $('message-target').value
  const filter = $('message-filter').value.trim().toLowerCase()
  return (
    (target === '' || row.dataset.target === target) &&
    (filter === '' || row.textContent.toLowerCase().includes(filter))
  )
}

function applyFilter() {
  const rows = [...$('messages').tBodies[0].rows]
  let shown = 0
  for (const row of rows) {
    row.hidden = !matches(row)
    if (!row.hidden) shown++
  }
  $('message-count').textContent = `${shown} of ${rows.length}`
}

function addMessage(m) {
  if (!state.targets.has(m.target)) {
    state.targets.add(m.target)
    const option = document.createElement('option')
    option.value = m.target
    option.textContent = m.target
    $('message-target').append(option)
  }
  const tbody = $('messages').tBodies[0]
  const row = messageRow(m)
  row.hidden = !matches(row)
  tbody.prepend(row)
  while (tbody.rows.length > MAX_ROWS) tbody.lastElementChild.remove()
  applyFilter()
}

/** Counters become per-second rates between two samples. */
function addSample(sample) {
  const previous = state.previous
  if (previous !== undefined && sample.at <= previous.at) return // replayed after a reconnection
  state.previous = sample
  if (previous === undefined) return
  const seconds = Math.max(0.001, (sample.at - previous.at) / 1000)
  state.chart.add(
    sample.at,
    state.names.map((name) => Math.max(0, (sample.values[name] - previous.values[name]) / seconds)),
  )
}

function onHello(hello) {
  state.names = hello.counters.names
  state.chart ??= new LiveChart($('counters-chart'), state.names)
  for (const sample of hello.counters.samples) addSample(sample)
  showNodes(hello.nodes)
  $('messages').tBodies[0].replaceChildren() // a reconnection replays the recent ones
  for (const m of hello.messages) addMessage(m)
  registers.reset(hello.registers)
  discovered.reset(hello.discovered)
}

function connect() {
  const socket = new WebSocket(socketUrl)
  socket.addEventListener('open', () => setConnection('connected', 'open'))
  socket.addEventListener('close', () => {
    setConnection('disconnected — retrying', 'closed')
    for (const output of state.pending.values()) {
      output.textContent = 'the connection closed before the answer'
      output.dataset.state = 'error'
    }
    state.pending.clear()
    setTimeout(connect, 2000)
  })
  socket.addEventListener('message', (event) => {
    const data = JSON.parse(event.data)
    if (data.type === 'hello') onHello(data)
    else if (data.type === 'tick') {
      addSample(data.sample)
      showNodes(data.nodes)
      registers.tick()
      discovered.render()
    } else if (data.type === 'registers') registers.showList(data.list)
    else if (data.type === 'register') registers.update(data.update)
    else if (data.type === 'discovered') discovered.update(data.server)
    else if (data.type === 'message') addMessage(data.message)
    else if (data.type === 'reply') {
      const output = state.pending.get(data.id)
      if (output === undefined) return
      state.pending.delete(data.id)
      output.textContent = replyText(data)
      output.dataset.state = data.ok ? 'ok' : 'error'
    }
  })
  state.socket = socket
}

function submit(form, output, build) {
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (state.socket?.readyState !== WebSocket.OPEN) {
      output.textContent = 'not connected'
      output.dataset.state = 'error'
      return
    }
    const id = state.nextId++
    state.pending.set(id, output)
    output.textContent = '…'
    output.dataset.state = 'pending'
    state.socket.send(JSON.stringify({ id, ...build(form.elements) }))
  })
}

submit($('call-form'), $('call-result'), (f) => ({
  type: 'call',
  node: f.node.value,
  fn: Number(f.fn.value),
  args: f.args.value,
  encoding: f.encoding.value,
  timeout: Number(f.timeout.value),
  all: f.all.checked,
}))
submit($('publish-form'), $('publish-result'), (f) => ({
  type: 'publish',
  node: f.node.value,
  target: f.target.value,
  name: f.name.value,
  payload: f.payload.value,
  encoding: f.encoding.value,
  reliable: f.reliable.checked,
  timeout: 5000,
}))
$('message-target').addEventListener('change', applyFilter)
$('message-filter').addEventListener('input', applyFilter)
connect()
