// All three examples in one run: `npm run examples` (builds, then `vitest run --root examples`).
// Every `*.bench.ts` below this folder runs in the plugin's own project, one file at a time.
import { defineConfig } from 'vitest/config'
import { parallelBench } from 'vitest-parallel-bench/plugin'

export default defineConfig({
  plugins: [parallelBench()],
})
