// This example on its own: `npm run build && npx vitest run --root examples/hashing`
import { defineConfig } from 'vitest/config'
import { parallelBench } from 'vitest-parallel-bench/plugin'

export default defineConfig({
  plugins: [parallelBench()],
})
