// Raw child process: no harness, no module runner, no TypeScript. It loads
// work.mjs, says it is ready, then answers every `{ id, input }` over IPC with
// `{ id, value }` (the parent forks it with serialization: 'advanced').
const exportName = process.env.RAW_EXPORT ?? 'echo'
const moduleUrl = process.env.RAW_MODULE ?? new URL('./work.mjs', import.meta.url).href
const fn = (await import(moduleUrl))[exportName]

process.on('disconnect', () => process.exit(0))
// Awaited, so an async export (bench/async-accuracy.ts) answers with its value, as piscina's workers do.
process.on('message', async ({ id, input }) => process.send({ id, value: await fn(input) }))
process.send('raw-ready')
