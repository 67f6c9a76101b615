/**
 * The result cache under abuse: every kind of damaged cache file, a failure written as if cached,
 * an unwritable cache dir, and an image only `COPY --from=<image>` uses changed between two runs.
 * The verdicts are always those of a fresh measurement; cache trouble is a warning, never a
 * verdict. The lesson is written for the occasion (a Perl server on the lab's base image).
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BASE, docker, leftOf, NOTHING, runCli, writeFaultLesson } from './support/faults.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const engine = await docker(['image', 'inspect', BASE])
const unavailable = engine.exitCode === 0 ? '' : String(engine.stderr).split('\n')[0] || 'no engine'

/** The cache files a run kept in its cwd. */
function cacheFiles(dir: string): string[] {
  const cache = join(dir, '.lessonproof', 'cache')
  return readdirSync(cache)
    .filter((f) => /^[0-9a-f]{64}\.json$/.test(f))
    .map((f) => join(cache, f))
}

const DAMAGE: Record<string, string> = {
  'a blocked status': '{"status":"blocked","notes":[]}',
  'a size that is no number': JSON.stringify({
    status: 'measured',
    notes: [],
    image: { id: 'sha256:0', size: 'big', env: {}, layers: [] },
  }),
  'cut short': '{"status":"measured","no',
  'not JSON at all': '\u0000\u0001binary',
  'a build failure': '{"status":"build-failed","reason":"replayed failure","notes":[]}',
  'a health timeout': '{"status":"run-failed","reason":"replayed timeout","notes":[]}',
}

if (unavailable) {
  if (required)
    it('a Docker engine with the lab base image answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no engine or no ${BASE}: ${unavailable}`)
    })
  else it.skip(`cache fault specs: no engine or no ${BASE} (${unavailable})`, () => {})
} else {
  const dirs: string[] = []
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  describe('a damaged result cache', () => {
    const { dir, lesson } = writeFaultLesson({})
    dirs.push(dir)

    // The first run's totals line: every later run over a damaged cache must end with the same.
    let totals = ''
    it('keeps a completed measurement after a first run', async () => {
      const first = await runCli(['verify', lesson, '--no-pull'], { cwd: dir })
      expect(first.code, first.stderr).toBe(0)
      totals = /lessonproof engine: .*/.exec(first.stdout)?.[0] ?? ''
      // Blocked only by what this run was not asked to do (the walk's claims): exit 0 says none is unverified.
      expect(totals).toMatch(/: [1-9]\d* passed, 0 failed, 0 ledgered, \d+ blocked, 0 unreadable/)
      expect(cacheFiles(dir)).toHaveLength(1)
    }, 180_000)

    for (const [what, text] of Object.entries(DAMAGE)) {
      it(`measures again over ${what}, with the same verdicts`, async () => {
        for (const file of cacheFiles(dir)) writeFileSync(file, text)
        const run = await runCli(['verify', lesson, '--no-pull'], { cwd: dir })
        expect(run.code, run.stderr).toBe(0)
        expect(totals).not.toBe('')
        expect(run.stdout).toContain(totals)
        expect(run.stderr).not.toContain('unchanged since an earlier run')
        expect(run.stdout + run.stderr).not.toContain('replayed')
        expect(await leftOf(run.runId ?? '')).toEqual(NOTHING)
      }, 180_000)
    }

    it('treats a cache dir it cannot write as a warning', async () => {
      rmSync(join(dir, '.lessonproof'), { recursive: true, force: true })
      // A file where the cache dir would be: unwritable even for root.
      writeFileSync(join(dir, '.lessonproof'), 'not a directory')
      const run = await runCli(['verify', lesson, '--no-pull'], { cwd: dir })
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toContain('0 failed')
      expect(run.stderr).toContain('could not keep results')
    }, 180_000)
  })

  describe('an image used only by COPY --from, changed between two runs', () => {
    const nonce = randomBytes(4).toString('hex')
    const source = `lessonproof-spec-src-${nonce}:1`
    const context = mkdtempSync(join(tmpdir(), 'lessonproof-faults-src-'))
    dirs.push(context)
    const buildSource = async (megabytes: number) => {
      writeFileSync(
        join(context, 'Dockerfile'),
        `FROM ${BASE}\nRUN head -c ${megabytes * 1_000_000} /dev/zero > /data\n`,
      )
      const built = await docker(
        ['build', '-q', '--label', 'org.lessonproof.spec=copy-from', '-t', source, context],
        { ...process.env, DOCKER_BUILDKIT: '1' },
      )
      expect(built.exitCode, String(built.stderr)).toBe(0)
    }
    afterAll(async () => {
      await docker(['rmi', source])
    })

    it('measures again when it changes: the stale size fails', async () => {
      await buildSource(1)
      const { dir, lesson } = writeFaultLesson({
        extra: [`COPY --from=${source} /data /data`],
        size: '75.8MB',
      })
      dirs.push(dir)
      const first = await runCli(['verify', lesson, '--no-pull'], { cwd: dir })
      expect(first.code, first.stdout + first.stderr).toBe(0)
      await buildSource(40)
      const second = await runCli(['verify', lesson, '--no-pull'], { cwd: dir })
      expect(second.stderr).not.toContain('unchanged since an earlier run')
      expect(second.code, second.stdout).toBe(1)
      expect(second.stdout).toContain('fault-app:v1 is 75.8MB (docker images)')
      expect(second.stdout).toMatch(/measured 11\dMB/)
    }, 300_000)
  })
}
