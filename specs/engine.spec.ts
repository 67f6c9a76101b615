/**
 * The fixture lessons, built, run and measured with a real engine: one test per claim,
 * against the verdict (and reason) each fixture's expected.json says, as reviewed.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1 (set by .ci/run), which turns a missing engine into a failure.
 * LESSONPROOF_UPDATE_EXPECTED=1 rewrites expected.json from this run, for review.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type EngineSession, openEngineSession } from '../harness/measure/session.js'
import type { Status } from '../harness/model/index.js'
import { type VerifyResult, verify } from '../harness/verify/index.js'

interface Expected {
  verdict: Status
  /** A part of the reason the verdict must give. */
  reason?: string
}

const FIXTURES = 'fixtures/lessons'
const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const update = process.env.LESSONPROOF_UPDATE_EXPECTED === '1'
const scenarios = readdirSync(FIXTURES).filter((s) => existsSync(join(FIXTURES, s, 'lesson.md')))

/** Images (tagged or not) and containers the engine holds that were made at or after `seconds`. */
async function madeSince(seconds: number): Promise<{ images: string[]; containers: string[] }> {
  const { getContainerRuntimeClient } = await import('testcontainers')
  const docker = (await getContainerRuntimeClient()).container.dockerode
  const images = (await docker.listImages({ all: true })).filter((i) => i.Created >= seconds)
  const containers = (await docker.listContainers({ all: true })).filter((c) => c.Created >= seconds)
  return {
    images: images.map((i) => i.RepoTags?.join(',') ?? i.Id),
    containers: containers.map((c) => c.Image),
  }
}

let session: EngineSession | undefined
let unavailable = ''
try {
  // No pulls: tests talk to no registry. Results are reused while a fixture and its base images are unchanged.
  const logFile = process.env.LESSONPROOF_SPEC_LOG
  session = await openEngineSession(
    { pull: false, cacheDir: process.env.LESSONPROOF_CACHE_DIR ?? '.lessonproof/cache' },
    (line) => {
      if (logFile) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`)
    },
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
    it.skip(`engine specs: no Docker engine answers (${unavailable})`, () => {})
  }
} else {
  const open = session
  const runStarted = Math.floor(Date.now() / 1000)
  const tempBefore = new Set((await readdir(tmpdir())).filter((d) => d.startsWith('lessonproof-')))
  let result: VerifyResult
  let left: string[]
  try {
    result = await verify({
      paths: scenarios.map((s) => join(FIXTURES, s, 'lesson.md')),
      mode: 'engine',
      measure: open.measure,
    })
  } finally {
    left = await open.close()
  }

  it('removes every image, container and temp dir the run created', async () => {
    expect(left).toEqual([])
    // Tagged or not (intermediate layers), nothing made since the run began is left.
    expect(await madeSince(runStarted)).toEqual({ images: [], containers: [] })
    const temp = (await readdir(tmpdir())).filter((d) => /^lessonproof-(context|volume)-/.test(d))
    expect(temp.filter((d) => !tempBefore.has(d))).toEqual([])
  })

  it('Ctrl-C during a build aborts it and removes what the run had created', async () => {
    const started = Math.floor(Date.now() / 1000)
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'specs/support/cli.ts',
        'verify',
        join(FIXTURES, 'scratch-service', 'lesson.md'),
        '--no-pull',
        '--no-cache',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    const exited = new Promise<number | string | null>((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? signal)),
    )
    let stderr = ''
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (/: building /.test(stderr)) resolve()
      })
      void exited.then(() => resolve())
    })
    // Let the build get into its first steps, so there is something to remove.
    await new Promise((resolve) => setTimeout(resolve, 4_000))
    child.kill('SIGINT')
    expect(await exited, stderr).toBe(130)
    expect(stderr).toContain('removing what this run created')
    expect(await madeSince(started)).toEqual({ images: [], containers: [] })
  }, 180_000)

  for (const scenario of scenarios) {
    const path = join(FIXTURES, scenario, 'lesson.md')
    const doc = result.documents.find((d) => d.path === path)
    const expectedPath = join(FIXTURES, scenario, 'expected.json')
    if (update && doc) {
      const snapshot: Record<string, Expected> = {}
      for (const c of doc.claims) {
        const key = c.name.slice(path.length + 1)
        snapshot[key] =
          c.verdict.status === 'pass'
            ? { verdict: c.verdict.status }
            : { verdict: c.verdict.status, reason: c.verdict.reason }
      }
      writeFileSync(expectedPath, `${JSON.stringify(snapshot, null, 2)}\n`)
    }
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Record<string, Expected>

    describe(scenario, () => {
      it(`${path} parses`, () => {
        expect(doc?.error?.message).toBeUndefined()
      })
      it(`${path} has exactly the claims expected.json lists`, () => {
        expect(doc?.claims.map((c) => c.name.slice(path.length + 1)).sort()).toEqual(
          Object.keys(expected).sort(),
        )
      })
      for (const claim of doc?.claims ?? []) {
        const want = expected[claim.name.slice(path.length + 1)]
        it(claim.name, () => {
          expect(claim.verdict.status, claim.verdict.reason).toBe(want?.verdict)
          if (want?.reason) expect(claim.verdict.reason).toContain(want.reason)
        })
      }
    })
  }
}
