// Vitest's own module evaluator (`VitestModuleEvaluator`), so that bench workers
// evaluate modules as Vitest's test workers do: CommonJS globals for every
// module, interop for externalised CommonJS packages, `import.meta.env` over
// process.env. Vitest 4.1 and 5 export it only from `vitest/runtime`, under
// `__INTERNAL` (their `#module-evaluator` import is private to the package);
// the two lines differ in its constructor's argument order, which this file
// sidesteps by passing none: Vitest's defaults are Vitest's behaviour.
import type { ModuleEvaluator, ModuleRunnerImportMeta } from 'vite/module-runner'

export interface VitestEvaluator extends ModuleEvaluator {
  /** The `import.meta.env` the evaluator gives every module: a view of process.env. */
  env: ModuleRunnerImportMeta['env']
}

type EvaluatorClass = new () => VitestEvaluator

export async function vitestModuleEvaluator(vitestRuntimeUrl: string): Promise<VitestEvaluator> {
  const runtime = (await import(vitestRuntimeUrl)) as { __INTERNAL?: { VitestModuleEvaluator?: EvaluatorClass } }
  const Evaluator = runtime.__INTERNAL?.VitestModuleEvaluator
  if (typeof Evaluator !== 'function') {
    throw new Error(
      `vitest-parallel-bench cannot find Vitest's module evaluator in ${vitestRuntimeUrl} ` +
        '(`__INTERNAL.VitestModuleEvaluator`, Vitest 4.1 and 5); is this Vitest line supported?',
    )
  }
  return new Evaluator()
}
