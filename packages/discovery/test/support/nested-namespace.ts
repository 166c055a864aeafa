import { execFileSync } from 'node:child_process'
import { notInPrivateNamespace } from '@pavillion/transport-node/testing'

/**
 * Why a network namespace nested in the test's own cannot be made here (not in a private namespace,
 * not root, or one of `programs` missing), or undefined when it can.
 */
export function nestedNamespaceProblem(programs: readonly string[] = ['unshare', 'ip']): string | undefined {
  const namespace = notInPrivateNamespace()
  if (namespace !== undefined) return namespace
  if (process.getuid?.() !== 0) return 'a nested network namespace needs root'
  try {
    execFileSync('sh', ['-c', programs.map((p) => `command -v ${p}`).join(' && ')], { stdio: 'ignore' })
  } catch {
    return `one of ${programs.join(', ')} is missing`
  }
  return undefined
}
