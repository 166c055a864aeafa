// A live time-series chart over uPlot (loaded by index.html as the global
// `uPlot`). Generic over its series: the counters chart and each node's
// registers chart use it.

const COLOURS = [
  '#2a5db0',
  '#2a7d3f',
  '#c07000',
  '#a33',
  '#7a3db0',
  '#008b8b',
  '#b03d7a',
  '#556b2f',
  '#8b4513',
  '#444',
]

/** The most points a chart keeps (older ones scroll out). */
const MAX_POINTS = 300

export class LiveChart {
  /**
   * @param {HTMLElement} element where to draw; its `data-points` attribute counts the points drawn
   * @param {readonly string[]} names one series each
   */
  constructor(element, names) {
    this.element = element
    this.data = [[], ...names.map(() => [])]
    const series = [
      {},
      ...names.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 1.5 })),
    ]
    this.plot = new globalThis.uPlot(
      { width: this.#width(), height: 240, series, scales: { x: { time: true } }, legend: { live: false } },
      this.data,
      element,
    )
    this.resize = () => this.plot.setSize({ width: this.#width(), height: 240 })
    globalThis.addEventListener('resize', this.resize)
  }

  /**
   * Adds one point: `at` in ms, one value per series (null for a gap).
   * @param {number} at
   * @param {readonly (number | null)[]} values
   */
  add(at, values) {
    this.data[0].push(at / 1000)
    for (const [i, v] of values.entries()) this.data[i + 1].push(v)
    if (this.data[0].length > MAX_POINTS) for (const column of this.data) column.shift()
    this.plot.setData(this.data)
    this.element.dataset.points = String(this.data[0].length)
  }

  /** Removes the chart and its resize listener. */
  destroy() {
    globalThis.removeEventListener('resize', this.resize)
    this.plot.destroy()
  }

  #width() {
    return Math.max(300, this.element.clientWidth - 8)
  }
}
