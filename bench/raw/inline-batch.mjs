// Raw piscina worker for bench/net-vs-inline.ts: runs a whole batch inline
// (every input, one loop, no messaging between calls) and returns its wall time.
import { spin } from './work.mjs'

export default function inlineBatch(inputs) {
  const start = performance.now()
  for (const input of inputs) spin(input)
  return performance.now() - start
}
