// A child that says it is ready at once (bench/overhead.ts `deathwatch`): the cost of starting a
// child process, alone or with a watchdog thread (`watchdog` argument: the design measured before).
import { Worker } from 'node:worker_threads'

if (process.argv[2] === 'watchdog') {
  const watchdog = new Worker('setInterval(() => {}, 1000)', { eval: true })
  await new Promise((resolve) => watchdog.once('online', resolve))
  watchdog.unref()
}
process.send?.('ready')
process.on('disconnect', () => process.exit(0))
