// Lets `node --import ./bench/register.mjs bench/<script>.ts` run the bench
// scripts on Node 20 with the package's own TypeScript hooks (built in dist/).
import { register } from 'node:module'

register(new URL('../dist/worker/hooks.js', import.meta.url), {
  data: {
    shimUrl: new URL('../dist/worker/vitest-shim.js', import.meta.url).href,
    nativeTypeScript: typeof process.features.typescript === 'string',
  },
})
