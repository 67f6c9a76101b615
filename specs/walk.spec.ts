/**
 * Lessons walked for real: the fixture lessons under fixtures/walk/ (each step run in the
 * workstation, Docker commands served by lessonproof, every claimed output compared) held
 * against their reviewed expected.json; the course's lesson, every step either run or blocked
 * with a reason naming what is missing here; and nothing left behind.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1. LESSONPROOF_UPDATE_EXPECTED=1 rewrites expected.json, for review.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configureTestcontainers } from '../harness/engine/settings.js'
import type { Claim } from '../harness/kinds/index.js'
import { type EngineSession, openEngineSession } from '../harness/measure/session.js'
import type { RunFacts } from '../harness/model/index.js'
import type { VerifyResult } from '../harness/report/index.js'
import { RUN_LABEL } from '../harness/settings/index.js'
import { verify } from '../harness/verify/index.js'
import { leftBy } from './support/engine.js'
import { type Expected, itGivesReviewedVerdicts } from './support/verdicts.js'

const FIXTURES = 'fixtures/walk'
const COURSE = 'lessons/multi-stage-builds.md'
const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const update = process.env.LESSONPROOF_UPDATE_EXPECTED === '1'
const scenarios = readdirSync(FIXTURES).filter((s) => existsSync(join(FIXTURES, s, 'lesson.md')))

configureTestcontainers(process.env)
let session: EngineSession | undefined
let unavailable = ''
try {
  session = await openEngineSession(
    { pull: false, walk: true },
    { concurrency: 2, memoryBytes: 512 * 1024 * 1024, cpus: 1 },
    () => {},
    process.env,
  )
} catch (error) {
  unavailable = (error as Error).message.split('\n')[0] ?? 'no engine'
}

if (!session) {
  if (required) {
    it('a Docker engine answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no Docker engine answers: ${unavailable}`)
    })
  } else {
    it.skip(`walk specs: no Docker engine answers (${unavailable})`, () => {})
  }
} else {
  const open = session
  let result: VerifyResult<Claim>
  const walks: NonNullable<RunFacts['walks']> = {}
  let left: string[] = []

  beforeAll(async () => {
    try {
      result = await verify({
        paths: [...scenarios.map((s) => join(FIXTURES, s, 'lesson.md')), COURSE],
        engine: {
          options: open.options,
          measure: async (plan) => {
            const facts = await open.measure(plan)
            Object.assign(walks, facts.walks ?? {})
            return facts
          },
        },
      })
    } finally {
      left = await open.close()
    }
  }, 1_200_000)

  afterAll(async () => {
    await open.close()
  })

  it('leaves nothing behind: no container, image, network or temp dir of the run', async () => {
    expect(left).toEqual([])
    expect(await leftBy(open.options.runId)).toEqual({ images: [], containers: [], temp: [] })
    const { getContainerRuntimeClient } = await import('testcontainers')
    const docker = (await getContainerRuntimeClient()).container.dockerode
    const networks = await docker.listNetworks({
      filters: JSON.stringify({ label: [`${RUN_LABEL}=${open.options.runId}`] }),
    })
    expect(networks.map((n) => n.Name)).toEqual([])
    const volumes = await docker.listVolumes({
      filters: JSON.stringify({ label: [`${RUN_LABEL}=${open.options.runId}`] }),
    })
    expect(volumes.Volumes ?? []).toEqual([])
    expect(
      (await readdir(tmpdir())).filter((d) => d.startsWith(`lessonproof-${open.options.runId}-`)),
    ).toEqual([])
  })

  it(`walks every command of ${COURSE}: each runs, or is blocked with what is missing here`, () => {
    const walk = walks[COURSE]
    expect(walk, 'the course lesson was walked').toBeDefined()
    const steps = Object.entries(walk?.steps ?? {})
    expect(steps.length).toBeGreaterThan(10)
    for (const [line, facts] of steps) {
      if (facts.status === 'exited' || facts.status === 'running') continue
      expect(facts.status, `line ${line}`).toMatch(/^(blocked|skipped)$/)
      // What is missing is named: a registry (PyPI, Docker Hub), or why a person must do it.
      expect(facts.reason, `line ${line}`).toMatch(
        /PyPI|Docker Hub|registry|the reader's own project|needs a person|Ctrl\+C|skipped by the author/,
      )
    }
    expect(steps.filter(([, f]) => /PyPI/.test(f.reason ?? '')).length).toBeGreaterThan(0)
    expect(steps.filter(([, f]) => /Docker Hub/.test(f.reason ?? '')).length).toBeGreaterThan(0)
  })

  for (const scenario of scenarios) {
    const path = join(FIXTURES, scenario, 'lesson.md')
    const expectedPath = join(FIXTURES, scenario, 'expected.json')
    const expected = existsSync(expectedPath)
      ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected)
      : {}
    const docOf = () => result.documents.find((d) => d.path === path)

    describe(scenario, () => {
      beforeAll(() => {
        const doc = docOf()
        if (!update || !doc) return
        const snapshot: Expected = {}
        for (const c of doc.claims) {
          const reason = c.verdict.reason.split('\n')[0] ?? ''
          snapshot[c.name.slice(path.length + 1)] =
            c.verdict.status === 'pass' ? { verdict: 'pass' } : { verdict: c.verdict.status, reason }
        }
        writeFileSync(expectedPath, `${JSON.stringify(snapshot, null, 2)}\n`)
      })
      it(`${path} was walked`, () => {
        expect(walks[path]?.blocked).toBeUndefined()
        expect(Object.keys(walks[path]?.steps ?? {}).length).toBeGreaterThan(0)
      })
      itGivesReviewedVerdicts(path, expected, docOf)
    })
  }
}
