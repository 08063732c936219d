import { defineConfig } from 'vitest/config'

// The package's own test suite. Integration tests start Vitest on the
// projects under fixtures/, which have configs of their own.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
})
