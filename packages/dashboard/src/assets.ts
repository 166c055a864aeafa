import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

/** One file the dashboard serves. */
export interface Asset {
  readonly type: string
  readonly body: Buffer
}

const PAGE = new URL('../page/', import.meta.url)

/** URL path → where the file is and its content type. uPlot comes from its package: the page needs no network. */
function sources(): Record<string, [string | URL, string]> {
  const require = createRequire(import.meta.url)
  return {
    '/': [new URL('index.html', PAGE), 'text/html; charset=utf-8'],
    '/app.js': [new URL('app.js', PAGE), 'text/javascript; charset=utf-8'],
    '/views.js': [new URL('views.js', PAGE), 'text/javascript; charset=utf-8'],
    '/live-chart.js': [new URL('live-chart.js', PAGE), 'text/javascript; charset=utf-8'],
    '/registers.js': [new URL('registers.js', PAGE), 'text/javascript; charset=utf-8'],
    '/discovered.js': [new URL('discovered.js', PAGE), 'text/javascript; charset=utf-8'],
    '/style.css': [new URL('style.css', PAGE), 'text/css; charset=utf-8'],
    '/uplot.js': [require.resolve('uplot/dist/uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    '/uplot.css': [require.resolve('uplot/dist/uPlot.min.css'), 'text/css; charset=utf-8'],
  }
}

/** Reads every asset into memory once (a few hundred kilobytes). */
export async function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  const assets = new Map<string, Asset>()
  for (const [path, [file, type]] of Object.entries(sources())) {
    assets.set(path, { type, body: await readFile(file) })
  }
  return assets
}

/** Headers of every response: no framing, no sniffing, scripts and connections only from this origin. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}
