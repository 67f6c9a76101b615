/**
 * Interrupting a run at each phase — build, /health wait, routes, measurement, removal — with
 * SIGINT, SIGTERM, twice, and kill -9 followed by a next run: afterwards nothing of the run
 * remains (containers, images, networks, temp dirs, found by its label), and untagged images
 * another user made beforehand are all still there. The lessons are written for the occasion: a
 * Perl server on the lab's debian:bookworm-slim, no network.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  BASE,
  docker,
  foreignImages,
  imageExists,
  leftOf,
  NOTHING,
  runCli,
  spawnCli,
  writeFaultLesson,
} from './support/faults.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const engine = await docker(['image', 'inspect', BASE])
const unavailable = engine.exitCode === 0 ? '' : String(engine.stderr).split('\n')[0] || 'no engine'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Phase {
  name: string
  /** The progress line that says the phase began. */
  line: RegExp
  /** How long after it the signal lands. */
  delayMs: number
  lesson: Parameters<typeof writeFaultLesson>[0]
}

const PHASES: Phase[] = [
  { name: 'build', line: /: building /, delayMs: 2_500, lesson: { buildSleep: 60 } },
  {
    name: '/health wait',
    line: /waiting for \/health/,
    delayMs: 1_500,
    lesson: { healthDelay: 60, healthTimeout: 120 },
  },
  { name: 'routes', line: /: calling \d+ routes? of /, delayMs: 1_000, lesson: { routeDelay: 60 } },
  { name: 'measurement', line: /: measuring /, delayMs: 0, lesson: {} },
  { name: 'removal', line: /removing what this run created/, delayMs: 0, lesson: {} },
]

const CASES: { phase: Phase; signals: NodeJS.Signals[]; code: number; what: string }[] = [
  ...PHASES.map((phase) => ({ phase, signals: ['SIGINT'] as NodeJS.Signals[], code: 130, what: 'SIGINT' })),
  ...PHASES.slice(0, 2).map((phase) => ({
    phase,
    signals: ['SIGTERM'] as NodeJS.Signals[],
    code: 143,
    what: 'SIGTERM',
  })),
  ...PHASES.slice(0, 3).map((phase) => ({
    phase,
    signals: ['SIGINT', 'SIGINT'] as NodeJS.Signals[],
    code: 130,
    what: 'SIGINT twice',
  })),
]

if (unavailable) {
  if (required)
    it('a Docker engine with the lab base image answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no engine or no ${BASE}: ${unavailable}`)
    })
  else it.skip(`fault specs: no engine or no ${BASE} (${unavailable})`, () => {})
} else {
  const dirs: string[] = []
  let foreign: string[] = []

  beforeAll(async () => {
    foreign = await foreignImages()
  })

  afterAll(async () => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    await docker(['rmi', ...foreign])
  })

  for (const { phase, signals, code, what } of CASES)
    it(`${what} at the ${phase.name} phase: exits as interrupted and leaves nothing of the run behind`, async () => {
      const { dir, lesson } = writeFaultLesson(phase.lesson)
      dirs.push(dir)
      const run = spawnCli(['verify', lesson, '--no-pull', '--no-cache'], { cwd: dir })
      const reached = await run.waitFor(phase.line, 180_000)
      expect(reached, `the run never reached the ${phase.name} phase`).toBe(true)
      await sleep(phase.delayMs)
      for (const [i, signal] of signals.entries()) {
        if (i > 0) await sleep(300)
        run.kill(signal)
      }
      const result = await run.done
      expect(result.runId, result.stderr).toBeDefined()
      expect(result.code, result.stderr).toBe(code)
      expect(result.stderr).toContain('removing what this run created')
      expect(await leftOf(result.runId ?? ''), result.stderr).toEqual(NOTHING)
    }, 240_000)

  for (const phase of PHASES.slice(0, 2))
    it(`kill -9 at the ${phase.name} phase: a next run removes what it left`, async () => {
      const { dir, lesson } = writeFaultLesson(phase.lesson)
      dirs.push(dir)
      const run = spawnCli(['verify', lesson, '--no-pull', '--no-cache'], { cwd: dir })
      expect(await run.waitFor(phase.line, 180_000)).toBe(true)
      await sleep(phase.delayMs)
      run.kill('SIGKILL')
      const killed = await run.done
      expect(killed.signal).toBe('SIGKILL')
      expect(killed.runId, killed.stderr).toBeDefined()
      // A next run, of another lesson, sweeps what the dead one left.
      const next = writeFaultLesson({})
      dirs.push(next.dir)
      const after = await runCli(['verify', next.lesson, '--no-pull', '--no-cache'], { cwd: next.dir })
      expect(after.code, after.stderr).toBe(0)
      expect(after.stderr).toContain(`run ${killed.runId}`)
      expect(await leftOf(killed.runId ?? ''), after.stderr).toEqual(NOTHING)
      expect(await leftOf(after.runId ?? '')).toEqual(NOTHING)
    }, 300_000)

  it('never removed an untagged image another user made beforehand', async () => {
    expect(foreign).toHaveLength(2)
    for (const id of foreign) expect(await imageExists(id), id).toBe(true)
  })
}
