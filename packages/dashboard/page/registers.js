// The registers panel: per client node, a table of its server's registers
// (the latest value of each) and one LiveChart whose series are the numeric
// registers, fed by the dashboard's `registers` and `register` messages.
import { LiveChart } from './live-chart.js'
import { ago, cell } from './views.js'

/** A value as the table shows it. */
function valueText(view) {
  if (view.value === null) return '—'
  if (typeof view.value === 'number' && !Number.isInteger(view.value)) {
    return String(Number(view.value.toPrecision(7)))
  }
  return String(view.value)
}

export class RegistersPanel {
  /** @param {HTMLElement} element the panel's container */
  constructor(element, empty) {
    this.element = element
    this.empty = empty
    /** node → { list, section, tbody, chart, chartElement, numeric: register[], latest: Map } */
    this.nodes = new Map()
  }

  /** Replaces everything with the dashboard's snapshot (on hello). */
  reset(lists) {
    for (const node of this.nodes.values()) node.chart?.destroy()
    this.nodes.clear()
    this.element.replaceChildren()
    for (const list of lists) this.showList(list)
    this.empty.hidden = this.nodes.size > 0
  }

  /** Shows a node's (new) register list; the chart is rebuilt when its numeric registers change. */
  showList(list) {
    let node = this.nodes.get(list.node)
    if (node === undefined) {
      const section = document.createElement('div')
      section.className = 'register-node'
      section.dataset.node = list.node
      const title = document.createElement('h3')
      const table = document.createElement('table')
      table.className = 'registers'
      const head = table.createTHead().insertRow()
      for (const name of ['number', 'name', 'datatype', 'writable', 'value', 'updated']) {
        const th = document.createElement('th')
        th.textContent = name
        head.append(th)
      }
      const chartElement = document.createElement('div')
      chartElement.className = 'register-chart'
      chartElement.id = `registers-chart-${list.node}`
      chartElement.dataset.points = '0'
      section.append(title, table, chartElement)
      this.element.append(section)
      node = {
        section,
        title,
        tbody: table.createTBody(),
        chartElement,
        chart: undefined,
        numeric: [],
        latest: new Map(),
      }
      this.nodes.set(list.node, node)
      this.empty.hidden = true
    }
    node.list = list
    const more = list.more > 0 ? ` (${list.more} more not shown)` : ''
    const none = list.registers.length === 0 && list.error === null ? ' — no registers' : ''
    node.title.textContent = `${list.node}${none}${more}${list.error === null ? '' : ` — ${list.error}`}`
    for (const r of list.registers) if (r.value !== null) node.latest.set(r.register, r.value)
    const numeric = list.registers.filter((r) => r.numeric).map((r) => r.register)
    if (numeric.join() !== node.numeric.join()) {
      node.chart?.destroy()
      node.chartElement.replaceChildren()
      node.chartElement.dataset.points = '0'
      node.numeric = numeric
      const names = list.registers.filter((r) => r.numeric).map((r) => `${r.register} ${r.name}`)
      node.chart = numeric.length === 0 ? undefined : new LiveChart(node.chartElement, names)
    }
    this.#render(node)
  }

  /** One new value: the table's cell, and a point on the chart (every series at its latest value). */
  update(update) {
    const node = this.nodes.get(update.node)
    if (node === undefined) return
    const view = node.list.registers.find((r) => r.register === update.register)
    if (view === undefined) return
    node.list = {
      ...node.list,
      registers: node.list.registers.map((r) =>
        r.register === update.register ? { ...r, value: update.value, at: update.at, error: null } : r,
      ),
    }
    node.latest.set(update.register, update.value)
    if (view.numeric && node.chart !== undefined) {
      node.chart.add(
        update.at,
        node.numeric.map((n) => node.latest.get(n) ?? null),
      )
    }
    this.#render(node)
  }

  /** Refreshes the "updated … ago" cells. */
  tick() {
    for (const node of this.nodes.values()) this.#render(node)
  }

  #render(node) {
    node.tbody.replaceChildren(
      ...node.list.registers.map((r) => {
        const tr = document.createElement('tr')
        tr.dataset.register = String(r.register)
        tr.append(
          cell(String(r.register)),
          cell(r.name),
          cell(r.datatype),
          cell(r.writable ? 'yes' : 'no'),
          cell(r.error === null ? valueText(r) : `${valueText(r)} (${r.error})`, 'value'),
          cell(ago(r.at)),
        )
        return tr
      }),
    )
  }
}
