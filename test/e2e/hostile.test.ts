// A stranger on the machine attacks the module channel of a real run (fixtures/hostile): before
// the token (the line `null`, a non-ASCII token, a 64 MiB line, silent connections, 200 of them)
// and after it (a `null` request, a false child claim, requests for files outside the project).
// The run must complete with every bench measured, the Vitest main process must stay bounded in
// CPU time and memory, and the server must have turned every attack away.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { benchChildren, isAlive, waitFor } from '../support/processes.js'
import { benchNamed, runVitest } from '../support/run-vitest.js'

interface Seen {
  closedByServer: boolean
  afterMs?: number
  written: number
  received: string
}

interface Usage {
  cpuMs: number
  rssKib: number
  peakRssKib: number
}

interface StrangerReport {
  before: Usage
  after: Usage
  attacksMs: number
  victimPid: number
  attacks: {
    flood: Seen
    nullLine: Seen
    nonAsciiToken: Seen
    silent: Seen
    twoHundred: { closedByServer: number; slowestCloseMs: number }
    nullRequest: Seen
    files: { url: string; answered: boolean; code: boolean; leaked: boolean; error?: string }[]
    childClaim: Seen
  }
}

afterEach(async () => {
  expect(await waitFor(() => benchChildren().length === 0, 2000)).toBe(true)
})

describe.runIf(process.platform === 'linux')('a stranger attacking the module channel', () => {
  it('cannot crash, stall or bloat the run, read files outside the project, or make the server kill a process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'))
    const resultFile = join(dir, 'stranger.json')
    let victim: number | undefined
    try {
      const run = await runVitest('hostile', [], { env: { HOSTILE_RESULT: resultFile } })
      expect(run.code, run.output).toBe(0)
      for (const title of [
        'during the attack [threads]',
        'during the attack [processes]',
        'after the attack [threads]',
        'after the attack [processes]',
      ]) {
        const bench = benchNamed(run, title)
        expect(bench.error, run.output).toBeUndefined()
        expect(bench.results[0]?.rounds.length).toBeGreaterThan(0)
      }
      const report = JSON.parse(readFileSync(resultFile, 'utf8')) as StrangerReport
      victim = report.victimPid
      const { attacks } = report
      console.log(
        `main process under attack (${report.attacksMs} ms): CPU +${Math.round(report.after.cpuMs - report.before.cpuMs)} ms, ` +
          `RSS ${Math.round(report.before.rssKib / 1024)} → peak ${Math.round(report.after.peakRssKib / 1024)} MiB; ` +
          `flood accepted ${(attacks.flood.written / 2 ** 20).toFixed(1)} MiB before close after ${attacks.flood.afterMs} ms`,
      )
      // Before the token: every connection is closed by the server, the silent ones within the 2 s deadline.
      for (const seen of [attacks.flood, attacks.nullLine, attacks.nonAsciiToken, attacks.silent])
        expect(seen.closedByServer).toBe(true)
      expect(attacks.silent.afterMs).toBeLessThan(4000)
      expect(attacks.silent.afterMs).toBeGreaterThanOrEqual(1900)
      // The 64 MiB line is cut off long before its end (what the kernel's socket buffers took counts too).
      expect(attacks.flood.written).toBeLessThan(16 * 2 ** 20)
      expect(attacks.twoHundred.closedByServer).toBe(200)
      expect(attacks.twoHundred.slowestCloseMs).toBeLessThan(5000)
      // After the token: a null request ends that connection only, the false claim is refused.
      expect(attacks.nullRequest.closedByServer).toBe(true)
      expect(attacks.childClaim.closedByServer).toBe(true)
      expect(isAlive(report.victimPid)).toBe(true)
      // The control request is served (so the refusals below are the rules, not a broken client).
      expect(attacks.files[0]).toMatchObject({ url: './work.ts', answered: true, code: true })
      for (const file of attacks.files.slice(1)) {
        expect(file, JSON.stringify(file)).toMatchObject({ answered: true, leaked: false })
        expect(file.error).toMatch(
          /^\/etc\/passwd is outside the paths Vite may load for this project \(server\.fs\.allow/,
        )
      }
      // The main process stays bounded: generous limits (the run itself works meanwhile), far
      // below what the unbounded channel cost (26 s of CPU and 1 GB for the 64 MiB line).
      expect(report.after.cpuMs - report.before.cpuMs).toBeLessThan(5000)
      expect(report.after.peakRssKib - report.before.rssKib).toBeLessThan(256 * 1024)
    } finally {
      if (victim !== undefined && isAlive(victim)) process.kill(victim, 'SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
