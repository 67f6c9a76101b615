/**
 * The engine going away: a DOCKER_HOST that names a dead socket, and the connection cut mid-build
 * and mid-run through a unix-socket proxy this spec controls. Each is an infrastructure error
 * (exit 2, its own message, no verdict on the lesson); once the engine answers again, `lessonproof
 * clean` leaves nothing of the run, and the same lesson verifies (its failure was not kept).
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1.
 */
import { rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { BASE, docker, leftOf, NOTHING, runCli, spawnCli, writeFaultLesson } from './support/faults.js'
import { engineProxy } from './support/proxy.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const engine = await docker(['image', 'inspect', BASE])
const unavailable = engine.exitCode === 0 ? '' : String(engine.stderr).split('\n')[0] || 'no engine'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

if (unavailable) {
  if (required)
    it('a Docker engine with the lab base image answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no engine or no ${BASE}: ${unavailable}`)
    })
  else it.skip(`engine fault specs: no engine or no ${BASE} (${unavailable})`, () => {})
} else {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a DOCKER_HOST whose socket is dead, rather than building on another engine', async () => {
    const { dir, lesson } = writeFaultLesson({})
    dirs.push(dir)
    const run = await runCli(['verify', lesson, '--no-pull'], {
      cwd: dir,
      env: { DOCKER_HOST: `unix://${dir}/no-engine.sock` },
    })
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toContain(`no Docker engine answers at unix://${dir}/no-engine.sock (DOCKER_HOST)`)
    expect(run.stderr).toContain('infrastructure error, not a verdict on any lesson')
    expect(run.stdout).toBe('')
  }, 60_000)

  describe.each([
    { phase: 'build', line: /: building /, delayMs: 2_000, lesson: { buildSleep: 60 } },
    {
      phase: '/health wait',
      line: /waiting for \/health/,
      delayMs: 1_500,
      lesson: { healthDelay: 60, healthTimeout: 120 },
    },
  ])('the engine connection cut mid-$phase', ({ line, delayMs, lesson: shape }) => {
    it('is an infrastructure error; once the engine answers, clean leaves nothing of the run', async () => {
      const proxy = await engineProxy()
      try {
        const { dir, lesson } = writeFaultLesson(shape)
        dirs.push(dir)
        const env = { DOCKER_HOST: proxy.host }
        const run = spawnCli(['verify', lesson, '--no-pull'], { cwd: dir, env })
        expect(await run.waitFor(line, 180_000)).toBe(true)
        await sleep(delayMs)
        await proxy.cut()
        const result = await run.done
        expect(result.code, result.stderr).toBe(2)
        expect(result.stderr).toContain('infrastructure error, not a verdict on any lesson')
        expect(result.stderr).toMatch(/stopped answering|no Docker engine answers/)
        expect(result.stdout).toBe('')
        await proxy.restore()
        const left = await leftOf(result.runId ?? '')
        const cleaned = await runCli(['clean'], { cwd: dir, env })
        expect(cleaned.code, cleaned.stdout + cleaned.stderr).toBe(0)
        // What the run could not remove while the engine was gone, clean removes now.
        if (left.containers.length + left.images.length + left.networks.length + left.temp.length > 0)
          expect(cleaned.stdout).toContain(`removed run ${result.runId}`)
        expect(await leftOf(result.runId ?? '')).toEqual(NOTHING)
      } finally {
        await proxy.close()
      }
    }, 300_000)
  })

  it('a run cut by the engine is measured again next time, not replayed from the result cache', async () => {
    const proxy = await engineProxy()
    try {
      const { dir, lesson } = writeFaultLesson({ buildSleep: 5 })
      dirs.push(dir)
      const env = { DOCKER_HOST: proxy.host }
      const run = spawnCli(['verify', lesson, '--no-pull'], { cwd: dir, env })
      expect(await run.waitFor(/: building /, 180_000)).toBe(true)
      await sleep(1_000)
      await proxy.cut()
      expect((await run.done).code).toBe(2)
      await proxy.restore()
      const again = await runCli(['verify', lesson, '--no-pull'], { cwd: dir, env })
      expect(again.code, again.stderr).toBe(0)
      expect(again.stderr).not.toContain('unchanged since an earlier run')
      expect(again.stdout).toContain('0 failed')
      expect(await leftOf(again.runId ?? '')).toEqual(NOTHING)
    } finally {
      await proxy.close()
    }
  }, 300_000)
}
