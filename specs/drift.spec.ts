/**
 * `lessonproof drift` end to end, with the engine and a real registry: the fixture lesson
 * fixtures/drift/lab-base (which builds FROM 127.0.0.1:5000/lab/base) copied into a course of
 * this run's own, its base pushed to the shared registry (lab/registry.sh) under a repository of
 * this run's own. The spec writes a baseline from an engine run, pushes a base 40 MB bigger under
 * the same tag, and holds drift's report to what the engine measures: the new digest, the size
 * change, the claims that no longer hold at their lines, a patch that makes a static and an engine
 * run pass again; then drift with nothing moved (no build, under 3 s), a pinned digest, a deleted
 * tag, a registry that is down and baselines that are too old or missing.
 *
 * The CLI runs in its own process, compiled, as a user runs it. Needs an engine; skipped with the reason
 * when none answers, unless LESSONPROOF_REQUIRE_ENGINE=1, which makes that a failure.
 */
import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Baseline, readBaseline } from '../harness/drift/baseline.js'
import { DriftReport } from '../harness/drift/report.js'
import { dockerSize, Report } from '../harness/model/index.js'
import { compiledCli } from './support/compiled.js'
import { imagesOf } from './support/images.js'
import { deleteManifests, engineAndRegistry, ownRegistry, repositoryFor } from './support/registry.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const RUN = `drift-${process.pid}-${Date.now()}`
const images = imagesOf(RUN)
const FIXTURE = 'fixtures/drift/lab-base/lesson.md'
const LESSON = 'lab-base/lesson.md'
/** The base a month later: the same Debian, another release marker, and a 40 MB layer. */
const BASE_V1 = 'FROM debian:bookworm-slim\nRUN echo 2026-11 > /etc/lab-base\n'
const BASE_V2 =
  'FROM debian:bookworm-slim\nRUN echo 2026-12 > /etc/lab-base && head -c 40000000 /dev/urandom > /opt/lab-filler\n'

const { docker, shared, unavailable } = await engineAndRegistry()

/** bin/lessonproof.js, built when the sources are newer (see support/compiled.ts). */
let cliPath = ''

interface Ran {
  code: number | null
  out: string
  err: string
  seconds: number
}

/** `lessonproof ARGS` in its own process, in `cwd`, timed from spawn to exit. */
function lessonproof(cwd: string, ...args: string[]): Promise<Ran> {
  const started = performance.now()
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1' },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString()
  })
  return new Promise((done) =>
    child.on('close', (code) => done({ code, out, err, seconds: (performance.now() - started) / 1000 })),
  )
}

/** The 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const at = text.split('\n').findIndex((l) => l.includes(needle))
  if (at < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`)
  return at + 1
}

/** The files of a directory (not its subdirectories) with their contents, to show that a failed run left them as they were. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) files[entry.name] = await readFile(join(dir, entry.name), 'utf8')
  }
  return files
}

/** A one-iteration lesson on `from` that serves /health with the fixture's script. */
function smallLesson(from: string, server: string): string {
  return [
    '# The health service on one base',
    '',
    'Create `server.pl`:',
    '',
    '```perl',
    server,
    '```',
    '',
    'Create `Dockerfile`:',
    '',
    '```dockerfile',
    `FROM ${from}`,
    '',
    'WORKDIR /app',
    'COPY server.pl .',
    '',
    'EXPOSE 8080',
    'CMD ["perl", "server.pl"]',
    '```',
    '',
    '```bash',
    'docker build -t hello:one .',
    '```',
    '',
  ].join('\n')
}

if (!docker || !shared) {
  if (required) {
    it('a Docker engine and a registry answer (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(unavailable)
    })
  } else {
    it.skip(`drift specs: ${unavailable}`, () => {})
  }
} else {
  const registry = shared
  const engine = docker
  let repository: string
  let repo: string
  let course: string
  let patched: string
  let fixture: string
  let server: string
  const dirs: string[] = []
  /** Manifests this run put in the shared registry. */
  const pushed = new Set<string>()
  const base: { v1?: string; v2?: string; v1Size?: number; v2Size?: number } = {}
  let lesson: string
  let report: DriftReport

  beforeAll(async () => {
    cliPath = await compiledCli()
    repository = repositoryFor('drift')
    repo = `${registry.host}/${repository}`
    fixture = await readFile(FIXTURE, 'utf8')
    server = /```perl\n([\s\S]*?)\n```/.exec(fixture)?.[1] ?? ''
    course = await mkdtemp(join(tmpdir(), 'lessonproof-drift-course-'))
    patched = await mkdtemp(join(tmpdir(), 'lessonproof-drift-patched-'))
    dirs.push(course, patched)
    lesson = fixture.replaceAll('127.0.0.1:5000/lab/base', repo)
    await mkdir(join(course, 'lab-base'))
    await writeFile(join(course, LESSON), lesson)

    await images.build(`${repo}:stable`, BASE_V1)
    base.v1 = await images.push(`${repo}:stable`)
    await images.tag(`${repo}:stable`, `${repo}:2026-11`)
    expect(await images.push(`${repo}:2026-11`)).toBe(base.v1)
    pushed.add(base.v1)
    base.v1Size = await images.size(`${repo}:stable`)
  }, 180_000)

  afterAll(async () => {
    await images.removeAll()
    await deleteManifests(registry.host, repository, pushed)
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  }, 120_000)

  describe.sequential('a lesson built on a base image that moves', () => {
    it('writes the baseline from an engine run, and leaves the lesson as it was', async () => {
      const run = await lessonproof(course, 'verify', 'lab-base', '--write-baseline')
      expect(run.err).toContain(`wrote the baseline ${join(course, 'lessonproof-baseline.json')}`)
      expect(run.code, run.out + run.err).toBe(0)
      expect(await readFile(join(course, LESSON), 'utf8')).toBe(lesson)

      const baseline = await readBaseline(join(course, 'lessonproof-baseline.json'))
      const info = await engine.info()
      expect(baseline.environment).toMatchObject({
        engine: info.ServerVersion,
        os: info.OSType,
        builder: { name: 'buildkit' },
      })
      const [doc] = baseline.documents
      expect(doc?.path).toBe(LESSON)
      // An app is run only where a claim asks what it answers: the lesson's /health output is slim's.
      expect(doc?.iterations.map((i) => [i.tag, i.status, i.health.status])).toEqual([
        ['hello:naive', 'measured', 'not-run'],
        ['hello:slim', 'measured', 'ok'],
        ['hello:frozen', 'measured', 'not-run'],
      ])
      const bases = doc?.iterations.flatMap((i) => i.baseImages) ?? []
      expect(bases.map((b) => [b.reference, b.digest, b.size])).toEqual([
        [`${repo}:stable`, base.v1, base.v1Size],
        [`${repo}:stable`, base.v1, base.v1Size],
        [`${repo}:2026-11`, base.v1, base.v1Size],
      ])
      expect(bases[0]?.platform?.os).toBe(info.OSType)
      const claims = [...(doc?.claims ?? []), ...(doc?.iterations.flatMap((i) => i.claims) ?? [])]
      expect(claims.length).toBeGreaterThan(15)
      // Every claim holds but the walk's, which a verify run leaves to `lessonproof walk`.
      const walked = /^(step|output) /
      expect(claims.filter((c) => c.verdict !== 'pass' && !walked.test(c.id))).toEqual([])
    }, 300_000)

    it('finds the base moved, rebuilds only what is built on it, and says which claims no longer hold', async () => {
      await images.build(`${repo}:stable`, BASE_V2)
      base.v2 = await images.push(`${repo}:stable`)
      pushed.add(base.v2)
      base.v2Size = await images.size(`${repo}:stable`)
      const realDiff = base.v2Size - (base.v1Size ?? 0)
      expect(realDiff).toBeGreaterThan(39_000_000)
      // The engine still has November's image under the tag, as a machine that pulled it then would.
      await images.tag(`${repo}:2026-11`, `${repo}:stable`)

      const run = await lessonproof(course, 'drift', 'lab-base', '--report', 'drift-report')
      expect(run.code, run.out + run.err).toBe(1)
      report = DriftReport.parse(JSON.parse(await readFile(join(course, 'drift-report/report.json'), 'utf8')))
      expect(report.outcome).toBe('claims-fail')

      const [stable, dated] = report.images
      expect(stable).toMatchObject({
        reference: `${repo}:stable`,
        status: 'moved',
        before: { digest: base.v1, size: base.v1Size },
        after: { digest: base.v2, size: base.v2Size },
      })
      expect(dated).toMatchObject({ reference: `${repo}:2026-11`, status: 'unchanged', digest: base.v1 })

      // Only the iterations on the moved tag were built again; hello:frozen is on the dated tag.
      const [drifted] = report.lessons
      expect(drifted?.iterations.map((i) => i.tag)).toEqual(['hello:naive', 'hello:slim'])
      expect(run.out).toContain(`rebuilt 2: ${LESSON} hello:naive, ${LESSON} hello:slim`)
      for (const it of drifted?.iterations ?? []) {
        // The whole difference is the base's; the lesson's own layers are what apt installs, within 2%.
        expect(it.drift.base).toBe(realDiff)
        expect(Math.abs(it.after - it.before - realDiff)).toBeLessThan(realDiff * 0.02)
        expect(it.layers).toContainEqual(
          expect.objectContaining({
            change: 'added',
            fromBase: true,
            createdBy: expect.stringContaining('lab-filler'),
          }),
        )
        expect(it.claimed?.text).toBe(it.tag === 'hello:naive' ? '184MB' : '74.8MB')
      }

      // Every statement of the two iterations' sizes, their reductions and the base's size now fail, at their lines.
      const failing = [
        [lineOf(lesson, `| \`${repo}:stable\` | 74.8MB |`), `base image ${repo}:stable is 74.8MB`],
        [lineOf(lesson, 'Iteration 0: Install Perl (~184MB)'), 'hello:naive is ~184MB (heading)'],
        [lineOf(lesson, 'hello        naive'), 'hello:naive is 184MB (docker images)'],
        [lineOf(lesson, 'Iteration 1: Use What the Base Has (~74.8MB)'), 'hello:slim is ~74.8MB (heading)'],
        [lineOf(lesson, 'hello        slim'), 'hello:slim is 74.8MB (docker images)'],
        [lineOf(lesson, '| Naive | 184MB |'), 'hello:naive is 184MB (comparison table)'],
        [lineOf(lesson, '| Slim | 74.8MB | 59% |'), 'hello:slim is 74.8MB (comparison table)'],
        [lineOf(lesson, '| Slim | 74.8MB | 59% |'), 'naive → slim reduction is 59% (comparison table)'],
        [lineOf(lesson, 'Progress: 59% reduction.'), 'naive → slim reduction is 59% (prose)'],
        [lineOf(lesson, 'slim      74.8MB'), 'hello:slim is 74.8MB (--format table)'],
        [lineOf(lesson, 'naive     184MB'), 'hello:naive is 184MB (--format table)'],
      ]
      const changed = drifted?.claims ?? []
      expect(changed.map((c) => [c.line, c.title])).toEqual(failing)
      for (const claim of changed) {
        expect([claim.before, claim.after]).toEqual(['pass', 'fail'])
        expect(lesson.split('\n')[claim.line - 1]).toContain(claim.text.slice(0, 20))
      }
      // The frozen iteration's statements still hold, and are not among them.
      expect(changed.map((c) => c.line)).not.toContain(lineOf(lesson, 'hello        frozen'))

      expect(await readFile(join(course, 'drift-report/suggested.patch'), 'utf8')).toBe(report.patch)
      const html = await readFile(join(course, 'drift-report/report.html'), 'utf8')
      expect(html).not.toMatch(/<script|src=/i)
      expect(await readFile(join(course, 'drift-report/report.md'), 'utf8')).toContain(
        '11 claims no longer hold, 1 base image moved',
      )
    }, 600_000)

    it('suggests a patch that makes a static and an engine run of the lesson pass again', async () => {
      await mkdir(join(patched, 'lab-base'))
      await writeFile(join(patched, LESSON), lesson)
      await writeFile(join(patched, 'suggested.patch'), report.patch ?? '')
      await execa('git', ['apply', '--verbose', 'suggested.patch'], { cwd: patched })
      const text = await readFile(join(patched, LESSON), 'utf8')
      const [naive, slim] = report.lessons[0]?.iterations ?? []
      expect(text.split('\n')[lineOf(lesson, 'hello        slim') - 1]).toMatch(
        new RegExp(`${dockerSize(slim?.after ?? 0).replace('.', '\\.')}$`),
      )
      expect(text.split('\n')[lineOf(lesson, '| Naive | 184MB |') - 1]).toBe(
        `| Naive | ${dockerSize(naive?.after ?? 0)} | --- |`,
      )
      // Only numbers changed, and the frozen iteration's stay.
      expect(text.split('\n').length).toBe(lesson.split('\n').length)
      expect(text.split('\n')[lineOf(lesson, 'hello        frozen') - 1]).toBe(
        lesson.split('\n')[lineOf(lesson, 'hello        frozen') - 1],
      )

      const quick = await lessonproof(patched, 'verify', 'lab-base', '--static', '--json', 'static.json')
      expect(quick.code, quick.out + quick.err).toBe(0)
      expect(Report.parse(JSON.parse(await readFile(join(patched, 'static.json'), 'utf8'))).totals.fail).toBe(
        0,
      )

      // Measured again from scratch (no results reused), and written as the new baseline.
      const full = await lessonproof(
        patched,
        'verify',
        'lab-base',
        '--no-cache',
        '--json',
        'engine.json',
        '--write-baseline',
      )
      expect(full.code, full.out + full.err).toBe(0)
      const totals = Report.parse(JSON.parse(await readFile(join(patched, 'engine.json'), 'utf8'))).totals
      // Nothing left unverified: the walk's claims are blocked only because verify walks nothing.
      expect(totals).toMatchObject({ fail: 0, unverified: 0 })
      expect(totals.pass).toBeGreaterThan(15)
    }, 600_000)

    it('says nothing moved once the baseline is written again: no build, under 3 s', async () => {
      // A course the size of lessons/ plus the fixtures: those are not in the baseline, and drift says so.
      for (const name of await readdir('lessons'))
        await cp(join('lessons', name), join(patched, 'lessons', name))
      for (const scenario of await readdir('fixtures/lessons')) {
        await cp(
          join('fixtures/lessons', scenario, 'lesson.md'),
          join(patched, 'fixtures', scenario, 'lesson.md'),
        ).catch(() => undefined)
      }
      const run = await lessonproof(patched, 'drift', '.', '--report', 'again')
      expect(run.code, run.out + run.err).toBe(0)
      expect(run.seconds).toBeLessThan(3)
      expect(run.err).not.toMatch(/building|lessonproof: run /)
      const again = DriftReport.parse(JSON.parse(await readFile(join(patched, 'again/report.json'), 'utf8')))
      expect(again.outcome).toBe('unchanged')
      expect(again.lessons).toEqual([])
      expect(again.images.map((i) => [i.reference, i.status])).toEqual([
        [`${repo}:stable`, 'unchanged'],
        [`${repo}:2026-11`, 'unchanged'],
      ])
      // The same through the engine's distribution endpoint.
      const viaEngine = await lessonproof(patched, 'drift', 'lab-base', '--via', 'engine')
      expect(viaEngine.code, viaEngine.out + viaEngine.err).toBe(0)
      expect(viaEngine.out).toContain('Nothing moved')
      expect(viaEngine.err).not.toMatch(/building|lessonproof: run /)
      expect(again.notes).toContainEqual(
        expect.stringMatching(/^fixtures\/scratch-service\/lesson\.md: not in the baseline/),
      )
      expect(run.out).toContain('Nothing moved')
    }, 120_000)

    it('reports a digest-pinned base as pinned, with where its tag points now', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'lessonproof-drift-pinned-'))
      dirs.push(dir)
      await mkdir(join(dir, 'pinned'))
      await writeFile(join(dir, 'pinned/lesson.md'), smallLesson(`${repo}:stable@${base.v1}`, server))
      const written = await lessonproof(dir, 'verify', 'pinned', '--write-baseline')
      expect(written.code, written.out + written.err).toBe(0)
      const baseline = await readBaseline(join(dir, 'lessonproof-baseline.json'))
      expect(baseline.documents[0]?.iterations[0]?.baseImages[0]?.digest).toBe(base.v1)

      const run = await lessonproof(dir, 'drift', 'pinned', '--report', 'report')
      expect(run.code, run.out + run.err).toBe(0)
      const pinned = DriftReport.parse(JSON.parse(await readFile(join(dir, 'report/report.json'), 'utf8')))
      expect(pinned.images).toEqual([
        expect.objectContaining({ status: 'pinned', digest: base.v1, tagDigest: base.v2 }),
      ])
      expect(pinned.lessons).toEqual([])
      expect(run.out).toContain(
        `pinned: ${repo}:stable@${base.v1}; its tag now points at ${base.v2?.slice(7, 19)}`,
      )
    }, 300_000)

    it('says which tag is gone once it is deleted from the registry, and writes nothing', async () => {
      const deleted = await fetch(`http://${registry.host}/v2/${repository}/manifests/${base.v1}`, {
        method: 'DELETE',
      })
      expect(deleted.status).toBe(202)
      const before = { report: await snapshot(join(patched, 'again')), baseline: await snapshot(patched) }
      const run = await lessonproof(patched, 'drift', 'lab-base', '--report', 'again')
      expect(run.code, run.out + run.err).toBe(2)
      expect(run.err).toContain('1 of 2 base images could not be resolved')
      expect(run.err).toContain(`${repo}:2026-11 (the base of ${LESSON} hello:frozen):`)
      expect(run.err).toContain(
        `${registry.host}/${repository}:2026-11: not found at http://${registry.host}`,
      )
      expect(run.err).toContain('nothing was built and nothing written')
      expect(await snapshot(join(patched, 'again'))).toEqual(before.report)
      expect(await snapshot(patched)).toEqual(before.baseline)
    }, 60_000)

    it('says the registry is down, and loses nothing', async () => {
      const own = await ownRegistry()
      const dir = await mkdtemp(join(tmpdir(), 'lessonproof-drift-down-'))
      dirs.push(dir)
      try {
        const ref = `${own.host}/lab/base:stable`
        await images.tag(`${repo}:stable`, ref)
        await images.push(ref)
        await mkdir(join(dir, 'one'))
        await writeFile(join(dir, 'one/lesson.md'), smallLesson(ref, server))
        const written = await lessonproof(dir, 'verify', 'one', '--write-baseline')
        expect(written.code, written.out + written.err).toBe(0)
        await own.stop()

        const before = await snapshot(dir)
        const run = await lessonproof(dir, 'drift', 'one', '--report', 'report')
        expect(run.code, run.out + run.err).toBe(2)
        expect(run.err).toContain(`${ref} (the base of one/lesson.md hello:one):`)
        expect(run.err).toContain(`registry unreachable at http://${own.host}: ECONNREFUSED`)
        expect(await snapshot(dir)).toEqual(before)
      } finally {
        await own.stop()
      }
    }, 300_000)

    it('refuses a baseline written by an older version, or none, and leaves the files as they were', async () => {
      const current = await readFile(join(patched, 'lessonproof-baseline.json'), 'utf8')
      const older = { ...(JSON.parse(current) as Baseline), version: 0 }
      await writeFile(join(patched, 'older.json'), JSON.stringify(older))
      const before = await snapshot(patched)
      const run = await lessonproof(
        patched,
        'drift',
        'lab-base',
        '--baseline',
        'older.json',
        '--report',
        'again',
      )
      expect(run.code).toBe(2)
      expect(run.err).toContain('older.json: written by an older lessonproof (baseline version 0)')
      const missing = await lessonproof(patched, 'drift', 'lab-base', '--baseline', 'nowhere.json')
      expect(missing.code).toBe(2)
      expect(missing.err).toContain(
        'nowhere.json: no baseline here; write one first (lessonproof verify --write-baseline)',
      )
      expect(await snapshot(patched)).toEqual(before)
    }, 60_000)
  })
}
