// The honest environment header of every report: where the numbers were measured.
import { createRequire } from 'node:module'
import os from 'node:os'
import type { EnvironmentInfo } from '../types.js'
import { effectiveCores } from './effective-cores.js'

function installedVitestVersion(): string {
  try {
    const require = createRequire(import.meta.url)
    const manifest: unknown = require('vitest/package.json')
    if (typeof manifest === 'object' && manifest !== null && 'version' in manifest) {
      const { version } = manifest
      if (typeof version === 'string') return version
    }
  } catch {
    // vitest is a peer dependency; a report without its version is still a report.
  }
  return 'unknown'
}

/**
 * Node version, platform, CPU model, cores and effective cores of this machine.
 * @param vitestVersion the running Vitest's version (e.g. `vitest.version` in a reporter);
 *   read from `vitest/package.json` when omitted.
 */
export function environmentInfo(vitestVersion?: string): EnvironmentInfo {
  const cpu = os.cpus()[0]?.model.trim()
  const label = process.env.VITEST_BLOB_LABEL
  return {
    node: process.version,
    platform: os.platform(),
    arch: os.arch(),
    cpu: cpu === undefined || cpu === '' ? 'unknown CPU' : cpu,
    cores: os.availableParallelism(),
    effectiveCores: effectiveCores(),
    vitest: vitestVersion ?? installedVitestVersion(),
    // Vitest's own name for this machine's blob: how a merged run tells machines apart.
    ...(label === undefined || label === '' ? {} : { label }),
  }
}
