// Runs a fixture whose tests and benches write timestamps (fixtures/shared/markers.ts),
// and proves from them what ran, how often and in which order.
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type RunOptions, runVitest, type VitestRun } from './run-vitest.js'

export interface Marked {
  run: VitestRun
  /** event → timestamps, e.g. 'unit-start a' → [1764262000123] */
  events: Map<string, number[]>
}

export async function runMarked(fixtureName: string, args: string[] = [], options: RunOptions = {}): Promise<Marked> {
  const markers = join(tmpdir(), `vpb-markers-${fixtureName.replaceAll('/', '-')}-${process.pid}.txt`)
  rmSync(markers, { force: true })
  const run = await runVitest(fixtureName, args, { ...options, env: { ...options.env, PB_MARKERS: markers } })
  const events = new Map<string, number[]>()
  let text = ''
  try {
    text = readFileSync(markers, 'utf8')
  } catch {
    // nothing ran that marks
  }
  rmSync(markers, { force: true })
  for (const entry of text.trim().split('\n').filter(Boolean)) {
    const cut = entry.lastIndexOf(' ')
    const event = entry.slice(0, cut)
    events.set(event, [...(events.get(event) ?? []), Number(entry.slice(cut + 1))])
  }
  return { run, events }
}

export function count(marked: Marked, event: string): number {
  return marked.events.get(event)?.length ?? 0
}

/** Each named unit test and bench ran once, and no bench started before every unit test had ended. */
export function expectOnceAndLast(marked: Marked, units: string[], benches: string[]): void {
  const why = `${JSON.stringify(Object.fromEntries(marked.events))}\n${marked.run.output}`
  for (const unit of units) expect(count(marked, `unit-start ${unit}`), why).toBe(1)
  for (const bench of benches) expect(count(marked, `bench-start ${bench}`), why).toBe(1)
  const lastUnitEnd = Math.max(...units.flatMap((unit) => marked.events.get(`unit-end ${unit}`) ?? []))
  const firstBenchStart = Math.min(...benches.flatMap((bench) => marked.events.get(`bench-start ${bench}`) ?? []))
  expect(firstBenchStart, why).toBeGreaterThanOrEqual(lastUnitEnd)
}

export function benchTitles(run: VitestRun): string[] {
  return (run.json?.benches ?? []).map((bench) => bench.fullName).sort()
}
