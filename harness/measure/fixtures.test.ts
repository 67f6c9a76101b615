/**
 * The plan and measure stages without Docker: every fixture lesson verified against the fake
 * engine, which replays what a real engine measured of the same builds (each fixture's
 * recorded.json, written by specs/engine.spec.ts with LESSONPROOF_RECORD_FACTS=1). The verdicts
 * must be the ones the fixture's reviewed expected.json gives for a real run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FakeEngine, Recording } from '../engine/fake-engine.js'
import { Janitor } from '../engine/janitor.js'
import type { Status } from '../model/index.js'
import { EngineOptions } from '../settings/index.js'
import { verify } from '../verify/index.js'
import { ResultCache } from './cache.js'
import { measureRun } from './index.js'

const FIXTURES = 'fixtures/lessons'
const scenarios = readdirSync(FIXTURES).filter((s) => existsSync(join(FIXTURES, s, 'lesson.md')))

describe.each(scenarios)('%s with recorded facts', (scenario) => {
  const path = join(FIXTURES, scenario, 'lesson.md')
  const expected = JSON.parse(readFileSync(join(FIXTURES, scenario, 'expected.json'), 'utf8')) as Record<
    string,
    { verdict: Status; reason?: string }
  >

  it('gives every claim the verdict a real engine gave', async () => {
    const recording = Recording.parse(
      JSON.parse(readFileSync(join(FIXTURES, scenario, 'recorded.json'), 'utf8')),
    )
    const engine = new FakeEngine(recording)
    const janitor = new Janitor()
    const options = EngineOptions.parse({ runId: 'fake', pull: false })
    const result = await verify({
      paths: [path],
      engine: {
        options,
        measure: (plan) =>
          measureRun(plan, {
            engine,
            janitor,
            options,
            cache: new ResultCache(undefined, () => {}),
            concurrency: 2,
            memoryBytes: 512 * 1024 * 1024,
            cpus: 1,
            log: () => {},
          }),
      },
    })
    expect(await janitor.clean()).toEqual([])
    const claims = result.documents[0]?.claims ?? []
    expect(claims.map((c) => c.name.slice(path.length + 1)).sort()).toEqual(Object.keys(expected).sort())
    for (const claim of claims) {
      const want = expected[claim.name.slice(path.length + 1)]
      expect(claim.verdict.status, `${claim.name}: ${claim.verdict.reason}`).toBe(want?.verdict)
      if (want?.reason) expect(claim.verdict.reason, claim.name).toContain(want.reason)
    }
    // Every iteration was built from a recording: a changed fixture finds none and says so.
    expect(engine.calls.filter((c) => c.startsWith('build ')).length).toBeGreaterThan(0)
  })
})
