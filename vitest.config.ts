import { defineConfig } from 'vitest/config'

// The package's own test suite. Integration tests start Vitest on the
// projects under fixtures/, which have configs of their own.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests measure speedups on 2 cores: running them side by side would measure each other.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
})
