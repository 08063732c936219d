// Hashing with node:crypto, the two ways apps do it: many small inputs that
// each cost a lot (password hashing), and large inputs that each cost little
// per byte (checksums of uploads, content-addressed storage).
import { createHash, pbkdf2Sync } from 'node:crypto'
import { benchCompare, benchThreads } from 'vitest-parallel-bench'

const MiB = 1 << 20

// ~20 ms of CPU per password, a few bytes in and out: the ideal parallel task.
benchCompare(
  'pbkdf2-sha512, 20k iterations per password',
  (password: string) => pbkdf2Sync(password, 'per-user salt', 20_000, 64, 'sha512').toString('hex'),
  { input: (i) => `correct horse battery staple ${i}` },
)

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

// ~6 ms of hashing per 8 MiB buffer, but the buffer is made in the host and
// has to reach the worker: copied to a thread, serialized down a pipe to a process.
benchCompare('sha256 of 8 MiB buffers sent from the host', sha256, {
  input: (i) => Buffer.alloc(8 * MiB, i),
})

// The same, with the buffer moved to the thread instead of copied (`transfer`:
// the host's copy is detached, so a fresh input is made for every task).
benchThreads('sha256 of 8 MiB buffers transferred to the thread', sha256, {
  input: (i) => Buffer.alloc(8 * MiB, i),
  transfer: true,
})
