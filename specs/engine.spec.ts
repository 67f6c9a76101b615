/**
 * The fixture lessons, built, run and measured with a real engine: one test per claim, against
 * the verdict (and reason) each fixture's expected.json says, as reviewed.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1 (set by .ci/run), which turns a missing engine into a failure.
 * LESSONPROOF_UPDATE_EXPECTED=1 rewrites expected.json from this run, for review;
 * LESSONPROOF_RECORD_FACTS=1 writes each fixture's recorded.json, the facts the fake engine
 * replays in the unit tests of the plan and measure stages.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildKey, contextKey, type Recording } from '../harness/engine/fake-engine.js'
import { configureTestcontainers } from '../harness/engine/settings.js'
import type { Claim } from '../harness/kinds/index.js'
import { type EngineSession, openEngineSession } from '../harness/measure/session.js'
import type { RunFacts } from '../harness/model/index.js'
import type { RunPlan } from '../harness/plan/index.js'
import type { VerifyResult } from '../harness/report/index.js'
import { verify } from '../harness/verify/index.js'
import { leftBy } from './support/engine.js'
import { type Expected, itGivesReviewedVerdicts } from './support/verdicts.js'

const FIXTURES = 'fixtures/lessons'
const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const update = process.env.LESSONPROOF_UPDATE_EXPECTED === '1'
const record = process.env.LESSONPROOF_RECORD_FACTS === '1'
const scenarios = readdirSync(FIXTURES).filter((s) => existsSync(join(FIXTURES, s, 'lesson.md')))
const expectedOf = (scenario: string) =>
  JSON.parse(readFileSync(join(FIXTURES, scenario, 'expected.json'), 'utf8')) as Expected

configureTestcontainers(process.env)
let session: EngineSession | undefined
let unavailable = ''
try {
  // No pulls: tests talk to no registry. Results are reused while a fixture and its base images are unchanged.
  const logFile = process.env.LESSONPROOF_SPEC_LOG
  session = await openEngineSession(
    { pull: false, cacheDir: process.env.LESSONPROOF_CACHE_DIR ?? '.lessonproof/cache' },
    { concurrency: 2, memoryBytes: 512 * 1024 * 1024, cpus: 1 },
    (line) => {
      if (logFile) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`)
    },
    process.env,
  )
} catch (error) {
  unavailable = (error as Error).message.split('\n')[0] ?? 'no engine'
}

/** Runs the CLI from source in its own process, as a user would. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'specs/support/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })))
}

/** Writes what a run measured as each fixture's recording. */
function writeRecordings(measured: { plan: RunPlan; facts: RunFacts }[], where: string): void {
  for (const scenario of scenarios) {
    const path = join(FIXTURES, scenario, 'lesson.md')
    const recording: Recording = {
      recorded: new Date().toISOString().slice(0, 10),
      engine: where,
      bases: {},
      builds: {},
    }
    for (const { plan, facts } of measured) {
      const seen = new Map<string, number>()
      for (const it of plan.iterations.filter((i) => i.document === path)) {
        const f = facts.iterations[path]?.[it.key]
        if (!f || f.status === 'blocked') continue
        const base = buildKey(contextKey(it.dockerfile, it.files), it.target)
        const n = (seen.get(base) ?? 0) + 1
        seen.set(base, n)
        recording.builds[`${base}#${n}`] = {
          ...(f.buildLog ? { buildLog: f.buildLog } : {}),
          ...(f.build ? { build: f.build } : {}),
          ...(f.status === 'build-failed'
            ? { buildError: (f.reason?.split('\n')[0] ?? '').replace(/^\S+ did not build: /, '') }
            : {}),
          ...(f.image ? { image: f.image } : {}),
          ...(f.paths ? { paths: f.paths } : {}),
          ...(f.health ? { health: f.health } : {}),
          ...(f.routes ? { routes: f.routes } : {}),
        }
      }
    }
    writeFileSync(join(FIXTURES, scenario, 'recorded.json'), `${JSON.stringify(recording, null, 2)}\n`)
  }
}

if (!session) {
  if (required) {
    it('a Docker engine answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no Docker engine answers: ${unavailable}`)
    })
  } else {
    it.skip(`engine specs: no Docker engine answers (${unavailable})`, () => {})
  }
} else {
  const open = session
  let result: VerifyResult<Claim>
  let left: string[] = []

  const measuredFacts: { plan: RunPlan; facts: RunFacts }[] = []
  beforeAll(async () => {
    const measured = measuredFacts
    try {
      result = await verify({
        paths: scenarios.map((s) => join(FIXTURES, s, 'lesson.md')),
        engine: {
          options: open.options,
          measure: async (plan) => {
            const facts = await open.measure(plan)
            measured.push({ plan, facts })
            return facts
          },
        },
      })
    } finally {
      left = await open.close()
    }
    if (record) {
      // The bases the fixtures build from, as this engine has them.
      writeRecordings(measured, open.where)
      const { getContainerRuntimeClient } = await import('testcontainers')
      const docker = (await getContainerRuntimeClient()).container.dockerode
      for (const scenario of scenarios) {
        const file = join(FIXTURES, scenario, 'recorded.json')
        const recording = JSON.parse(readFileSync(file, 'utf8')) as Recording
        for (const ref of ['debian:bookworm', 'debian:bookworm-slim']) {
          const info = (await docker.getImage(ref).inspect()) as { Id: string; Size: number }
          recording.bases[ref] = { id: info.Id, size: info.Size }
        }
        writeFileSync(file, `${JSON.stringify(recording, null, 2)}\n`)
      }
    }
  }, 900_000)

  afterAll(async () => {
    await open.close()
  })

  it('removes every image, container and temp dir the run created', async () => {
    expect(left).toEqual([])
    expect(await leftBy(open.options.runId)).toEqual({ images: [], containers: [], temp: [] })
  })

  it('two runs on one engine at once both succeed and each leaves nothing behind', async () => {
    const lesson = join(FIXTURES, 'scratch-service', 'lesson.md')
    const runs = await Promise.all([
      cli('verify', lesson, '--no-pull', '--no-cache'),
      cli('verify', lesson, '--no-pull', '--no-cache'),
    ])
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(0)
      const runId = /lessonproof: run ([a-z0-9]+),/.exec(run.stderr)?.[1]
      expect(runId, run.stderr).toBeDefined()
      expect(await leftBy(runId ?? '')).toEqual({ images: [], containers: [], temp: [] })
    }
    expect(runs[0]?.stdout).toEqual(runs[1]?.stdout)
  }, 300_000)

  it('builds independent stages at the same time, and a --target only what it needs', () => {
    const path = join(FIXTURES, 'parallel-stages', 'lesson.md')
    const facts = measuredFacts.find((m) => m.facts.iterations[path])?.facts.iterations[path]
    const first = facts?.['0']?.build
    expect(first?.builder).toMatch(/buildkit|buildx/)
    const step = (stage: string) => first?.steps.find((s) => s.stage === stage && s.keyword !== 'FROM')
    const sha = step('sha256')
    const crc = step('crc')
    expect(sha?.status, JSON.stringify(first?.steps)).toBe('done')
    expect(crc?.status).toBe('done')
    // Their times overlap: each started before the other ended.
    expect(sha?.start ?? Number.NaN).toBeLessThan(crc?.end ?? Number.NaN)
    expect(crc?.start ?? Number.NaN).toBeLessThan(sha?.end ?? Number.NaN)
    const target = facts?.['2']?.build
    expect(target?.steps.map((s) => s.stage).sort()).toEqual(['release', 'release', 'release', 'sha256'])
  })

  for (const scenario of scenarios) {
    const path = join(FIXTURES, scenario, 'lesson.md')
    const expectedPath = join(FIXTURES, scenario, 'expected.json')
    const expected = expectedOf(scenario)
    const docOf = () => result.documents.find((d) => d.path === path)

    describe(scenario, () => {
      beforeAll(() => {
        const doc = docOf()
        if (!update || !doc) return
        const snapshot: Expected = {}
        for (const c of doc.claims) {
          const key = c.name.slice(path.length + 1)
          snapshot[key] =
            c.verdict.status === 'pass'
              ? { verdict: 'pass' }
              : { verdict: c.verdict.status, reason: c.verdict.reason }
        }
        writeFileSync(expectedPath, `${JSON.stringify(snapshot, null, 2)}\n`)
      })
      it(`${path} parses`, () => {
        expect(docOf()?.error?.message).toBeUndefined()
      })
      itGivesReviewedVerdicts(path, expected, docOf)
    })
  }
}
