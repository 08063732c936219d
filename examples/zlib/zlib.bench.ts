// Compressing with node:zlib. Its synchronous API blocks the calling thread;
// its callback/promise API already runs on libuv's threadpool (4 threads by
// default). A worker pool only helps the first.
import { promisify } from 'node:util'
import { gzip, gzipSync } from 'node:zlib'
import { benchCompare } from 'vitest-parallel-bench'
import { logText } from './log-text'

const KiB = 1 << 10
const gzipAsync = promisify(gzip)

// One task = four 256 KiB chunks of log text (1 MiB), made in the host.
const chunks = (i: number): Buffer[] => [0, 1, 2, 3].map((j) => logText(256 * KiB, i * 4 + j))

// gzipSync: each chunk compressed on the worker's own thread, one after the other.
benchCompare(
  'gzipSync of 4 × 256 KiB log chunks',
  (parts: Uint8Array[]) => parts.map((part) => gzipSync(part).length),
  {
    input: chunks,
  },
)

// zlib.gzip: the four chunks go to libuv's threadpool at once, so even one
// worker keeps every core busy.
benchCompare(
  'zlib.gzip (async, libuv threadpool) of 4 × 256 KiB log chunks',
  async (parts: Uint8Array[]) => (await Promise.all(parts.map((part) => gzipAsync(part)))).map((z) => z.length),
  { input: chunks },
)
