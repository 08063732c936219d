// Types of module-loader.mjs, for the TypeScript bench scripts.
import type { LoaderSetup } from '../../dist/worker/module-runner.js'

export interface BenchLoader {
  loader: LoaderSetup
  close(): Promise<void>
}

export function startBenchLoader(root: string): Promise<BenchLoader>
