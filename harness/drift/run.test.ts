import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UsageError } from '../errors.js'
import { type Baseline, readBaseline } from './baseline.js'
import { RegistryUnreachableError } from './errors.js'
import { formatReference, type ImageReference } from './reference.js'
import type { DigestResolver, Resolution } from './resolver.js'
import { type DriftDeps, runDrift } from './run.js'

const V1 = `sha256:${'1'.repeat(64)}`
const V2 = `sha256:${'2'.repeat(64)}`

/** A resolver that answers from a table of `registry/repository:tag` → digest, or throws what it is given. */
function resolver(answers: Record<string, string | Error>): DigestResolver & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    async resolve(ref: ImageReference): Promise<Resolution> {
      const { digest: pin, ...tagged } = ref
      const key = formatReference({ ...tagged, tag: tagged.tag ?? 'latest' })
      asked.push(key)
      const answer = answers[key]
      if (answer instanceof Error) throw answer
      if (answer === undefined) throw new Error(`unexpected ${key}`)
      const current = {
        kind: 'tag' as const,
        reference: key,
        digest: answer,
        mediaType: '',
        platforms: [],
        via: 'registry' as const,
      }
      if (!pin) return current
      return {
        kind: 'pinned',
        reference: formatReference(ref),
        digest: pin,
        tag: { name: ref.tag ?? '', current, moved: answer !== pin },
      }
    },
  }
}

function deps(r: DigestResolver): DriftDeps & { engineOpened: boolean } {
  const d = {
    resolver: r,
    engineOpened: false,
    log: () => {},
    now: () => new Date('2026-12-01T06:00:00Z'),
    async withEngine<T>(): Promise<T> {
      d.engineOpened = true
      throw new Error('no engine in this test')
    },
  }
  return d
}

function baselineOf(refs: { reference: string; digest?: string; id?: string }[]): Baseline {
  return {
    version: 1,
    tool: 'lessonproof',
    environment: {
      engine: '20.10.24+dfsg1',
      builder: { name: 'classic' },
      storageDriver: 'overlay2',
      os: 'linux',
      arch: 'amd64',
      date: '2026-11-26T15:00:00.000Z',
      lessonproof: '0.1.0',
    },
    documents: [
      {
        path: 'course/lesson.md',
        claims: [],
        iterations: refs.map((b, index) => ({
          index,
          line: 10 + index,
          tag: `app:${index}`,
          dockerfile: 'Dockerfile',
          status: 'measured',
          baseImages: [{ ...b, platform: { os: 'linux', architecture: 'amd64' }, size: 1000, layers: 1 }],
          size: 2000,
          layers: [],
          health: { status: 'ok' },
          claims: [],
        })),
      },
    ],
  }
}

describe('runDrift without a build', () => {
  let cwd: string
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'lessonproof-drift-run-'))
    await mkdir(join(cwd, 'course'))
    await writeFile(join(cwd, 'course/lesson.md'), '# A lesson\n')
    // A lesson the baseline does not record, that builds an image.
    await writeFile(
      join(cwd, 'course/new.md'),
      '# New\n\nCreate `Dockerfile`:\n\n```dockerfile\nFROM debian:bookworm-slim\n```\n\n```bash\ndocker build -t new:1 .\n```\n',
    )
  })
  afterAll(() => rm(cwd, { recursive: true, force: true }))

  const options = (baseline: Baseline, paths = ['course']) => ({
    baseline,
    baselineFile: 'lessonproof-baseline.json',
    paths,
    cwd,
  })

  it('says nothing moved when every tag is where the baseline found it, and opens no engine', async () => {
    const r = resolver({ '127.0.0.1:5000/lab/base:stable': V1 })
    const d = deps(r)
    const result = await runDrift(
      options(baselineOf([{ reference: '127.0.0.1:5000/lab/base:stable', digest: V1 }])),
      d,
    )
    expect(result.exitCode).toBe(0)
    expect(result.report.outcome).toBe('unchanged')
    expect(result.report.images).toEqual([
      {
        reference: '127.0.0.1:5000/lab/base:stable',
        platform: 'linux/amd64',
        usedBy: [{ document: 'course/lesson.md', iteration: 'app:0' }],
        status: 'unchanged',
        digest: V1,
      },
    ])
    expect(result.report.notes).toEqual([
      'course/new.md: not in the baseline (it builds 1 image); write the baseline again to cover it',
    ])
    expect(d.engineOpened).toBe(false)
    expect(r.asked).toEqual(['127.0.0.1:5000/lab/base:stable'])
  })

  it('resolves each reference once, however many iterations use it', async () => {
    const r = resolver({ '127.0.0.1:5000/lab/base:stable': V1 })
    const ref = { reference: '127.0.0.1:5000/lab/base:stable', digest: V1 }
    await runDrift(options(baselineOf([ref, ref, ref])), deps(r))
    expect(r.asked).toHaveLength(1)
  })

  it('reports a pin as pinned, with where its tag points now, and not as moved', async () => {
    const pinned = `127.0.0.1:5000/lab/base:stable@${V1}`
    const result = await runDrift(
      options(baselineOf([{ reference: pinned, digest: V1 }])),
      deps(resolver({ '127.0.0.1:5000/lab/base:stable': V2 })),
    )
    expect(result.exitCode).toBe(0)
    expect(result.report.images[0]).toMatchObject({ status: 'pinned', digest: V1, tagDigest: V2 })
  })

  it('cannot compare an image the baseline has no digest for (built or imported on its engine)', async () => {
    const result = await runDrift(
      options(baselineOf([{ reference: 'debian:bookworm-slim', id: `sha256:${'d'.repeat(64)}` }])),
      deps(resolver({ 'docker.io/library/debian:bookworm-slim': V2 })),
    )
    expect(result.exitCode).toBe(2)
    expect(result.report.images[0]).toMatchObject({ status: 'unresolved', code: 'no-baseline-digest' })
    expect(result.report.images[0]?.status === 'unresolved' && result.report.images[0].message).toBe(
      'debian:bookworm-slim points at 222222222222 now, but the baseline has no digest to compare with: the engine that wrote it had the image under no registry digest (built or imported there); write the baseline again where the image is pulled from its registry',
    )
  })

  it('refuses paths the baseline records nothing under', async () => {
    await expect(runDrift(options(baselineOf([]), ['elsewhere']), deps(resolver({})))).rejects.toThrow(
      UsageError,
    )
  })
})

describe("runDrift on this project's lessons/, where Docker Hub cannot be reached", () => {
  let cwd: string
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'lessonproof-drift-lessons-'))
    await cp('lessons', join(cwd, 'lessons'), { recursive: true })
  })
  afterAll(() => rm(cwd, { recursive: true, force: true }))

  it('says per image why it could not be resolved, builds nothing, and exits 2', async () => {
    const baseline = await readBaseline('lessonproof-baseline.json')
    // What the registry resolver throws when the name does not resolve (measured: drift lessons/ here).
    const unreachable = (tag: string) =>
      new RegistryUnreachableError(
        `docker.io/library/python:${tag}`,
        'https://registry-1.docker.io',
        'ENOTFOUND (getaddrinfo ENOTFOUND registry-1.docker.io)',
      )
    const d = deps(
      resolver({
        'docker.io/library/python:3.12': unreachable('3.12'),
        'docker.io/library/python:3.12-slim': unreachable('3.12-slim'),
        'docker.io/library/python:3.12-alpine': unreachable('3.12-alpine'),
      }),
    )
    const result = await runDrift(
      { baseline, baselineFile: 'lessonproof-baseline.json', paths: ['lessons'], cwd },
      d,
    )
    expect(result.exitCode).toBe(2)
    expect(result.report.outcome).toBe('error')
    expect(
      result.report.images.map((i) => [i.reference, i.status, i.status === 'unresolved' ? i.message : '']),
    ).toEqual(
      ['3.12', '3.12-slim', '3.12-alpine'].map((tag) => [
        `python:${tag}`,
        'unresolved',
        `docker.io/library/python:${tag}: registry unreachable at https://registry-1.docker.io: ENOTFOUND (getaddrinfo ENOTFOUND registry-1.docker.io)`,
      ]),
    )
    expect(d.engineOpened).toBe(false)
  })
})
