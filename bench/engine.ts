/**
 * Engine benchmark: `lessonproof verify` against a plain shell script that makes the same builds
 * with the same BuildKit client (`DOCKER_BUILDKIT=1 /usr/bin/docker build`), inspects each image
 * and its history, runs the apps lessonproof runs until /health answers, and removes what it
 * made. Both are timed in one run, cold (no step of either in BuildKit's cache: every Dockerfile
 * gets a first `ENV` no build has seen) and warm (the same files built just before), one
 * iteration at a time and at the default concurrency (2: the script runs one lesson per lane);
 * median of 3 each. Then lessonproof again on unchanged lessons (its results reused).
 *
 *   npm run build && npm run bench:engine [-- --write-readme]
 *
 * Needs an engine and the lab's base images (bash lab/base-images.sh). Everything it makes is
 * labelled org.lessonproof.run=bench-… or lessonproof's own run label, and removed.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { execa } from 'execa'
import { extractClaims } from '../harness/claims/index.js'
import type { Claim } from '../harness/kinds/index.js'
import { loadDocument } from '../harness/parse/index.js'
import { planRun } from '../harness/plan/index.js'
import { EngineOptions, resolveSettings } from '../harness/settings/index.js'

const LESSONS = ['scratch-service', 'parallel-stages']
const DOCKER = process.env.LESSONPROOF_DOCKER ?? '/usr/bin/docker'
const REPEAT = 3
const env = { ...process.env, DOCKER_BUILDKIT: '1' }

interface Job {
  lesson: number
  context: string
  dockerfile: string
  target?: string
  noCache: boolean
  run: boolean
  port: number
}

/** Copies the fixture lessons into `root`; with a nonce, every Dockerfile starts with an ENV no build has seen. */
async function copyLessons(root: string, nonce?: string): Promise<string[]> {
  const paths: string[] = []
  for (const name of LESSONS) {
    const dir = join(root, name)
    await mkdir(dir, { recursive: true })
    let text = await readFile(join('fixtures/lessons', name, 'lesson.md'), 'utf8')
    if (nonce)
      text = text.replace(
        /^(FROM (?!scratch)\S+(?: AS \S+)?)$/gm,
        (line) => `${line}\nENV LESSONPROOF_BENCH=${nonce}`,
      )
    await writeFile(join(dir, 'lesson.md'), text)
    paths.push(join(dir, 'lesson.md'))
  }
  return paths
}

/** What lessonproof builds and runs for these lessons, from its own plan: the script does the same. */
async function jobsOf(lessons: string[], root: string): Promise<Job[]> {
  const jobs: Job[] = []
  for (const [lesson, path] of lessons.entries()) {
    const doc = await loadDocument(path)
    const claims = extractClaims(doc, doc) as Claim[]
    const settings = resolveSettings({}, (doc.frontmatter?.data.lessonproof ?? {}) as Record<string, unknown>)
    const plan = planRun(
      [{ doc, claims, settings: settings.values }],
      EngineOptions.parse({ runId: 'bench' }),
    )
    for (const it of plan.iterations) {
      const context = join(root, `ctx-${lesson}-${it.key}`)
      for (const [name, content] of Object.entries(it.files)) {
        await mkdir(dirname(join(context, name)), { recursive: true })
        await writeFile(join(context, name), content)
      }
      jobs.push({
        lesson,
        context,
        dockerfile: it.dockerfile,
        ...(it.target ? { target: it.target } : {}),
        noCache: it.noCache,
        run: it.run,
        port: it.port,
      })
    }
  }
  return jobs
}

/** The plain script: per iteration what a person would run by hand; one lane per lesson when parallel. */
function script(jobs: Job[], label: string, parallel: boolean): string {
  const step = (job: Job, i: number) => {
    const tag = `${label}-${i}`
    const build = [
      'docker build -q --label',
      `org.lessonproof.run=${label}`,
      job.noCache ? '--no-cache' : '',
      job.target ? `--target ${job.target}` : '',
      `-t ${tag} -f ${job.context}/${job.dockerfile} ${job.context} >/dev/null`,
    ]
      .filter(Boolean)
      .join(' ')
    const lines = [
      build,
      `docker image inspect -f '{{.Size}} {{.Config.Env}}' ${tag} >/dev/null`,
      `docker history ${tag} >/dev/null`,
    ]
    if (job.run)
      lines.push(
        `cid=$(docker run -d --label org.lessonproof.run=${label} -p 127.0.0.1::${job.port} ${tag})`,
        `port=$(docker port "$cid" ${job.port}/tcp | head -1 | sed 's/.*://')`,
        'for _ in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done',
        'docker rm -f "$cid" >/dev/null',
      )
    return lines.join('\n')
  }
  const lanes = parallel ? LESSONS.map((_, lane) => jobs.filter((j) => j.lesson === lane)) : [jobs]
  const body = lanes
    .map((lane, n) => `lane${n}() {\n${lane.map((j) => step(j, jobs.indexOf(j))).join('\n')}\n}`)
    .join('\n')
  const run = parallel ? `${lanes.map((_, n) => `lane${n} &`).join('\n')}\nwait` : 'lane0'
  return `set -euo pipefail\ndocker() { ${DOCKER} "$@"; }\n${body}\n${run}\ndocker rmi ${jobs.map((_, i) => `${label}-${i}`).join(' ')} >/dev/null\n`
}

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return (performance.now() - start) / 1000
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN

async function lessonproof(lessons: string[], cwd: string, extra: string[]): Promise<void> {
  const r = await execa(
    process.execPath,
    [join(process.cwd(), 'bin/lessonproof.js'), 'verify', ...lessons, '--no-pull', ...extra],
    {
      cwd,
      env,
      reject: false,
    },
  )
  if (r.exitCode === 2) throw new Error(`lessonproof could not run: ${r.stderr}`)
}

async function plain(jobs: Job[], root: string, parallel: boolean): Promise<void> {
  const label = `bench-${randomBytes(3).toString('hex')}`
  const file = join(root, `${label}.sh`)
  await writeFile(file, script(jobs, label, parallel))
  await execa('bash', [file], { env })
}

async function main(): Promise<void> {
  const writeReadme = process.argv.includes('--write-readme')
  const root = await mkdtemp(join(tmpdir(), 'lessonproof-bench-'))
  const rows: [string, number[]][] = []
  const record = (name: string, xs: number[]) => {
    rows.push([name, xs])
    process.stderr.write(`${name}: ${xs.map((x) => x.toFixed(1)).join(', ')} s\n`)
  }
  const load = (await readFile('/proc/loadavg', 'utf8').catch(() => '?')).split(' ')[0]
  try {
    for (const parallel of [false, true]) {
      const lane = parallel ? '2 at a time' : 'one at a time'
      const flags = parallel ? [] : ['--concurrency', '1']
      // Cold: fresh files for every run of either, so no step is in the cache.
      const coldPlain: number[] = []
      const coldLp: number[] = []
      for (let i = 0; i < REPEAT; i++) {
        const a = join(root, `cold-plain-${parallel}-${i}`)
        const jobs = await jobsOf(await copyLessons(a, randomBytes(6).toString('hex')), a)
        coldPlain.push(await seconds(() => plain(jobs, a, parallel)))
        const b = join(root, `cold-lp-${parallel}-${i}`)
        const lessons = await copyLessons(b, randomBytes(6).toString('hex'))
        coldLp.push(await seconds(() => lessonproof(lessons, b, ['--no-cache', ...flags])))
      }
      record(`plain script, cold, ${lane}`, coldPlain)
      record(`lessonproof, cold, ${lane}`, coldLp)
      // Warm: the same files as a run just before.
      const w = join(root, `warm-${parallel}`)
      const lessons = await copyLessons(w)
      const jobs = await jobsOf(lessons, w)
      await plain(jobs, w, parallel)
      await lessonproof(lessons, w, ['--no-cache', ...flags])
      const warmPlain: number[] = []
      const warmLp: number[] = []
      for (let i = 0; i < REPEAT; i++) {
        warmPlain.push(await seconds(() => plain(jobs, w, parallel)))
        warmLp.push(await seconds(() => lessonproof(lessons, w, ['--no-cache', ...flags])))
      }
      record(`plain script, warm, ${lane}`, warmPlain)
      record(`lessonproof, warm, ${lane}`, warmLp)
    }
    // Unchanged lessons: the results of a first run are reused.
    const u = join(root, 'unchanged')
    const lessons = await copyLessons(u)
    await lessonproof(lessons, u, [])
    const again: number[] = []
    for (let i = 0; i < REPEAT; i++) again.push(await seconds(() => lessonproof(lessons, u, [])))
    record('lessonproof again, lessons unchanged (results reused)', again)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
  const value = (name: string) => median(rows.find(([n]) => n === name)?.[1] ?? [])
  const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(0)}%`
  const lines = [
    '| run | median | runs |',
    '| --- | --- | --- |',
    ...rows.map(
      ([name, xs]) => `| ${name} | ${median(xs).toFixed(1)} s | ${xs.map((x) => x.toFixed(1)).join(', ')} |`,
    ),
    '',
    `lessonproof against the plain script: warm ${pct(value('lessonproof, warm, one at a time'), value('plain script, warm, one at a time'))} one at a time, ${pct(value('lessonproof, warm, 2 at a time'), value('plain script, warm, 2 at a time'))} two at a time (target ≤ 10%); cold ${pct(value('lessonproof, cold, one at a time'), value('plain script, cold, one at a time'))} one at a time, ${pct(value('lessonproof, cold, 2 at a time'), value('plain script, cold, 2 at a time'))} two at a time (target: no slower); unchanged re-run ${value('lessonproof again, lessons unchanged (results reused)').toFixed(1)} s (target ≤ 1.5 s).`,
    `${LESSONS.join(' and ')}; measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} CPUs shared with other builds (1-minute load average ${load} at the start), Node ${process.version}, ${DOCKER} with BuildKit.`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (writeReadme) {
    const readme = await readFile('README.md', 'utf8')
    const start = readme.indexOf('<!-- bench:engine -->')
    const end = readme.indexOf('<!-- /bench:engine -->')
    if (start === -1 || end === -1) throw new Error('README.md has no <!-- bench:engine --> section')
    await writeFile(
      'README.md',
      `${readme.slice(0, start)}<!-- bench:engine -->\n${lines.join('\n')}\n${readme.slice(end)}`,
    )
  }
}

await main()
