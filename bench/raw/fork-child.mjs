// Raw child process: no harness, no hooks, no TypeScript. It loads work.mjs,
// says it is ready, then answers every `{ id, input }` over IPC with
// `{ id, value }` (the parent forks it with serialization: 'advanced').
// RAW_HOOKS (optional, JSON) installs our module hooks first, with module.register
// (`how: 'register'`) or module.registerHooks (`'in-thread'`): the floor that the
// hooks mechanism itself costs.
import { register } from 'node:module'

const exportName = process.env.RAW_EXPORT ?? 'echo'
const moduleUrl = process.env.RAW_MODULE ?? new URL('./work.mjs', import.meta.url).href
if (process.env.RAW_HOOKS) {
  const hooks = JSON.parse(process.env.RAW_HOOKS)
  if (hooks.how === 'register') register(hooks.hooksUrl, { data: hooks.data })
  else (await import(hooks.hooksUrl)).registerInThread(hooks.data)
}
const fn = (await import(moduleUrl))[exportName]

process.on('disconnect', () => process.exit(0))
process.on('message', ({ id, input }) => process.send({ id, value: fn(input) }))
process.send('raw-ready')
