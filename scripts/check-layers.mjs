#!/usr/bin/env node
// Enforces the package layering of the monorepo (docs/ARCHITECTURE.md):
// which package's source may import which module, and which ambient
// clock/timer/randomness globals the pure layers must never touch.
// Test files are not checked; only `src/`.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const NODE = 'node:*'
const IMPURE_GLOBALS = [
  /\bsetTimeout\s*\(/,
  /\bsetInterval\s*\(/,
  /\bsetImmediate\s*\(/,
  /\bDate\.now\s*\(/,
  /\bnew Date\s*\(/,
  /\bMath\.random\s*\(/,
  /\bperformance\.now\s*\(/,
  /\bcrypto\.getRandomValues\s*\(/,
  /\bprocess\./,
  /\bBuffer\b/,
]

/** package folder → { allow: module specifiers (or 'node:*'), pure: forbid ambient I/O globals, envIn: files that may read process.env } */
const RULES = {
  wire: { allow: [], pure: true },
  crypto: {
    allow: ['@pavillion/wire', 'libsodium-wrappers', 'sodium-native'],
    pure: true,
    envIn: ['src/backend.ts'],
  },
  core: { allow: ['@pavillion/wire', '@pavillion/crypto'], pure: true },
  'transport-node': { allow: ['@pavillion/core', NODE] },
  rpc: { allow: ['@pavillion/core', '@pavillion/wire'], nodeIn: ['src/files/'] },
  pubsub: { allow: ['@pavillion/core', '@pavillion/wire'] },
  registers: { allow: ['@pavillion/core', '@pavillion/wire'] },
  discovery: { allow: ['@pavillion/core', 'multicast-dns', 'dns-packet', NODE] },
  pavillion: {
    allow: [
      '@pavillion/wire',
      '@pavillion/crypto',
      '@pavillion/core',
      '@pavillion/transport-node',
      '@pavillion/rpc',
      '@pavillion/pubsub',
      '@pavillion/registers',
      '@pavillion/discovery',
      NODE,
    ],
  },
  cli: { allow: ['pavillion', '@pavillion/mqtt-bridge', '@pavillion/capture', '@pavillion/dashboard', NODE] },
  'mqtt-bridge': { allow: ['pavillion', 'mqtt', NODE] },
  capture: { allow: ['pavillion'] },
  dashboard: { allow: ['pavillion', 'fastify', '@fastify/websocket', NODE] },
  'test-utils': { allow: ['*'] },
  'test-vectors': { allow: [NODE] },
  bench: { allow: ['*'] },
  'integration-tests': { allow: ['*'] },
  'readme-tests': { allow: ['typescript', NODE] },
}

const IMPORT_RE =
  /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) yield* sourceFiles(path)
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.test\.ts$/.test(name)) yield path
  }
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
}

/** The package a specifier names (`@scope/name/sub` → `@scope/name`); relative paths → null. */
function packageOf(spec) {
  if (spec.startsWith('.') || spec.startsWith('/')) return null
  if (spec.startsWith('node:')) return NODE
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

export function checkLayers(root) {
  const problems = []
  const packagesDir = join(root, 'packages')
  for (const pkg of readdirSync(packagesDir)) {
    const srcDir = join(packagesDir, pkg, 'src')
    try {
      statSync(srcDir)
    } catch {
      continue
    }
    const rule = RULES[pkg]
    if (!rule) {
      problems.push(`packages/${pkg}: no layering rule; add one to scripts/check-layers.mjs`)
      continue
    }
    for (const file of sourceFiles(srcDir)) {
      const rel = relative(root, file)
      const relInPkg = relative(join(packagesDir, pkg), file)
      const code = stripComments(readFileSync(file, 'utf8'))
      for (const match of code.matchAll(IMPORT_RE)) {
        const spec = match[1] ?? match[2]
        const target = packageOf(spec)
        if (target === null || rule.allow.includes('*') || rule.allow.includes(target)) continue
        if (target === NODE && rule.nodeIn?.some((prefix) => relInPkg.startsWith(prefix))) continue
        if (target === `@pavillion/${pkg}`) continue
        problems.push(`${rel}: imports '${spec}', which the ${pkg} layer may not use`)
      }
      if (rule.pure) {
        // A file named in `envIn` may read process.env (configuration), and nothing else of process.
        const checked = rule.envIn?.includes(relInPkg) ? code.replace(/\bprocess\.env\b/g, '') : code
        for (const re of IMPURE_GLOBALS) {
          if (re.test(checked))
            problems.push(
              `${rel}: uses ${re.source.replace(/\\/g, '')}; ${pkg} must stay free of clocks, timers and ambient randomness`,
            )
        }
      }
    }
  }
  return problems
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = checkLayers(process.cwd())
  for (const p of problems) console.error(p)
  if (problems.length > 0) {
    console.error(`layering check failed: ${problems.length} problem(s)`)
    process.exit(1)
  }
  console.log('layering check passed')
}
