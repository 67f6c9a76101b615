import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { extractClaims } from '../claims/index.js'
import type { IterationFacts, RunFacts } from '../model/index.js'
import { parseDocument } from '../parse/index.js'
import { planRun } from '../plan/index.js'
import { EngineOptions, resolveSettings } from '../settings/index.js'
import { formatBaseline } from './baseline.js'
import { baselineOf, digestFor } from './record.js'

const PATH = 'fixtures/drift/lab-base/lesson.md'
const doc = parseDocument(PATH, readFileSync(PATH, 'utf8'))
const claims = extractClaims(doc)
const plan = planRun(
  [{ doc, claims, settings: resolveSettings({}, {}).values }],
  EngineOptions.parse({ runId: 'test', pull: false }),
)
const V1 = `sha256:${'1'.repeat(64)}`
const base = (ref: string) => ({
  ref,
  id: `sha256:${'b'.repeat(64)}`,
  size: 74822242,
  layers: 3,
  // The engine lists one digest per repository; another registry's is not this reference's.
  repoDigests: [`mirror.example/lab/base@sha256:${'9'.repeat(64)}`, `127.0.0.1:5000/lab/base@${V1}`],
  platform: { os: 'linux', architecture: 'amd64' },
})
const measured = (ref: string, size: number): IterationFacts => ({
  status: 'measured',
  image: { id: 'sha256:img', size, env: {}, layers: [{ createdBy: '/bin/sh -c x', size }] },
  health: { status: 200, body: { status: 'ok' } },
  notes: [],
  bases: [base(ref)],
})
const facts: RunFacts = {
  iterations: {
    [PATH]: {
      '0': measured('127.0.0.1:5000/lab/base:stable', 183624970),
      '1': measured('127.0.0.1:5000/lab/base:stable', 74823096),
      '2': { status: 'blocked', reason: 'image 127.0.0.1:5000/lab/base:2026-11 is not available', notes: [] },
    },
  },
  baseImages: {},
}

describe('baselineOf', () => {
  const baseline = baselineOf({
    result: {
      mode: 'engine',
      documents: [
        {
          path: PATH,
          role: 'lesson',
          claims: claims.map((claim) => ({
            claim,
            name: claim.title,
            verdict: { status: 'pass', reason: '', checks: [] },
          })),
        },
      ],
      staleLedger: [],
    },
    runs: [{ plan, facts }],
    engine: { ServerVersion: '20.10.24+dfsg1', Driver: 'overlay2', OSType: 'linux', Architecture: 'x86_64' },
    lessonproof: '0.1.0',
    date: new Date('2026-11-26T15:00:00Z'),
    pathOf: (path) => `../${path}`,
  })
  const [recorded] = baseline.documents

  it('records each iteration with its base images, digests, platform, size, layers and /health', () => {
    expect(baseline.environment).toEqual({
      engine: '20.10.24+dfsg1',
      builder: { name: 'classic' },
      storageDriver: 'overlay2',
      os: 'linux',
      arch: 'amd64',
      date: '2026-11-26T15:00:00.000Z',
      lessonproof: '0.1.0',
    })
    expect(recorded?.path).toBe(`../${PATH}`)
    const [naive, , frozen] = recorded?.iterations ?? []
    expect(naive).toMatchObject({
      index: 0,
      tag: 'hello:naive',
      dockerfile: 'Dockerfile.naive',
      status: 'measured',
      size: 183624970,
      baseImages: [
        {
          reference: '127.0.0.1:5000/lab/base:stable',
          digest: V1,
          size: 74822242,
          layers: 3,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
      health: { status: 'ok', httpStatus: 200, body: '{"status":"ok"}' },
    })
    // Not built: its base image is recorded by reference only, with why.
    expect(frozen).toMatchObject({
      tag: 'hello:frozen',
      status: 'blocked',
      reason: 'image 127.0.0.1:5000/lab/base:2026-11 is not available',
      baseImages: [{ reference: '127.0.0.1:5000/lab/base:2026-11' }],
      health: { status: 'not-run' },
    })
    expect(frozen?.size).toBeUndefined()
  })

  it('files each claim under its iteration, and comparisons between two under the document', () => {
    const naive = recorded?.iterations[0]?.claims.map((c) => c.id) ?? []
    expect(naive.length).toBeGreaterThan(3)
    for (const id of naive) expect(id).toMatch(/^\S+ (hello:naive|Dockerfile\.naive) «/)
    expect(recorded?.claims.map((c) => c.id)).toContain('reduction naive → slim «| Slim | 74.8MB | 59% |»')
    const all = [...(recorded?.claims ?? []), ...(recorded?.iterations.flatMap((i) => i.claims) ?? [])]
    expect(all).toHaveLength(claims.length)
  })

  it('writes a valid baseline', () => {
    expect(() => formatBaseline(baseline)).not.toThrow()
  })
})

describe('digestFor', () => {
  it("takes a pin, else the engine's digest in the reference's own repository", () => {
    const pinned = `sha256:${'2'.repeat(64)}`
    expect(digestFor(`127.0.0.1:5000/lab/base:stable@${pinned}`, [])).toBe(pinned)
    expect(digestFor('python:3.12-slim', [`python@${V1}`])).toBe(V1)
    expect(digestFor('docker.io/library/python:3.12-slim', [`python@${V1}`])).toBe(V1)
    expect(digestFor('python:3.12-slim', [`ghcr.io/x/python@${V1}`])).toBeUndefined()
    expect(digestFor('debian:bookworm-slim', [])).toBeUndefined()
  })
})
