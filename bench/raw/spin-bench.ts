// A TypeScript bench file as users write one (not named *.bench.ts, so no Vitest
// project collects it): our pools re-import it in every worker, which is what
// the startup row of bench/overhead.ts times against raw workers loading work.mjs.
import { benchProcesses, benchThreads } from 'vitest-parallel-bench'
import { spin } from './work'

benchThreads('spin', (iterations: number) => spin(iterations))
benchProcesses('spin', (iterations: number) => spin(iterations))
