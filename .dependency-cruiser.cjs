// The layers of src/, kept by a tool (npm run lint). Top to bottom:
//   index.ts, plugin.ts (entries) → plugin/ (Vitest main process), host/ (the bench test)
//   → report/ (views; report/summary/ is the one home of words) → pools/ → worker/
//   → analysis/ (pure), machine/ (/proc readers) → format.ts → contracts/, types.ts, errors.ts
// A module may import its own layer and the layers below it, never one above. ARCHITECTURE.md says why.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle hides which module is the lower one; split the shared part out (usually into contracts/).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'analysis-is-pure',
      severity: 'error',
      comment: 'analysis/ is numbers in, facts out: no views, no pools, no I/O, no formatting.',
      from: { path: '^src/analysis/' },
      to: { path: '^src/(report|pools|host|plugin|worker|machine)/|^src/format\\.ts$' },
    },
    {
      name: 'machine-reads-only',
      severity: 'error',
      comment: 'machine/ reads /proc and cgroups; it knows nothing of what is measured or shown.',
      from: { path: '^src/machine/' },
      to: { path: '^src/(report|pools|host|plugin|worker|analysis)/' },
    },
    {
      name: 'worker-stays-small',
      severity: 'error',
      comment: 'Every worker loads worker/: keep the views, the host, the main process and the analysis out of it.',
      from: { path: '^src/worker/' },
      to: { path: '^src/(report|host|plugin|pools|analysis)/' },
    },
    {
      name: 'pools-below-host',
      severity: 'error',
      from: { path: '^src/pools/' },
      to: { path: '^src/(report|host|plugin|analysis)/' },
    },
    {
      name: 'report-below-host-and-plugin',
      severity: 'error',
      comment: 'Views render results; they never start pools or workers, or reach into the test or the main process.',
      from: { path: '^src/report/' },
      to: { path: '^src/(host|plugin|pools|worker)/' },
    },
    {
      name: 'host-and-plugin-apart',
      severity: 'error',
      comment:
        'The bench test and the Vitest main process share only contracts/ (they talk through provide/inject), and host/options.ts: the plugin validates its options, the defaults of every bench, with the same checks.',
      from: { path: '^src/(host|plugin)/' },
      to: { path: '^src/(host|plugin)/', pathNot: '^src/$1/|^src/host/options\\.ts$' },
    },
    {
      name: 'format-is-a-leaf',
      severity: 'error',
      comment: 'format.ts is imported by every layer, so it imports none.',
      from: { path: '^src/format\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'contracts-at-the-bottom',
      severity: 'error',
      comment:
        'Contracts are types and names only; the one exception is the type of the module channel a loader carries.',
      from: { path: '^src/(contracts/|types\\.ts$|errors\\.ts$)' },
      to: { path: '^src/', pathNot: '^src/(contracts/|types\\.ts$|errors\\.ts$|worker/module-channel\\.ts$)' },
    },
    {
      name: 'words-only-in-summary',
      severity: 'error',
      comment:
        'Facts become words in report/summary/ only: a view, the main process, a pool or a worker that wants a sentence asks summary for it, never switches on a fact itself.',
      from: { path: '^src/(report/(?!summary/)|plugin/|pools/|worker/|machine/)' },
      to: { path: '^src/contracts/facts\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
}
