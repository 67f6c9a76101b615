/**
 * Hostile inputs, statically (no engine needed): a `.md` that is a FIFO, a symlink to /dev/zero,
 * a 1 GB sparse file, a lesson with 10,000 builds, an empty directory, a file that is no lesson.
 * Each ends in bounded time and memory, measured with GNU time around the CLI as a user runs it,
 * and says what it refused. The bounds are the README's ("Faults and limits").
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href
const CLI = resolve('specs/support/cli.ts')
const TIME = '/usr/bin/time'
/** What a refusal may cost on the lab's 2 shared CPUs, Node's start-up included. */
const SECONDS = 20
const MEGABYTES = 400

const dir = mkdtempSync(join(tmpdir(), 'lessonproof-inputs-spec-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `lessonproof verify PATH --static` under GNU time: exit status, output, wall seconds, peak RSS. */
function verify(
  path: string,
  extra: string[] = [],
): Promise<{ code: number | null; out: string; seconds: number; mb: number }> {
  const stats = join(dir, `time-${Math.random().toString(36).slice(2)}`)
  const child = spawn(
    TIME,
    [
      '-f',
      '%e %M',
      '-o',
      stats,
      process.execPath,
      '--import',
      TSX,
      CLI,
      'verify',
      path,
      '--static',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString()
  })
  // A hang is the failure this guards against: it is cut at twice the bound and reported.
  const timer = setTimeout(() => child.kill('SIGKILL'), SECONDS * 2 * 1000)
  return new Promise((resolveRun) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      let seconds = Number.POSITIVE_INFINITY
      let mb = Number.POSITIVE_INFINITY
      try {
        const [s, kb] = execFileSync('tail', ['-1', stats], { encoding: 'utf8' }).trim().split(' ')
        seconds = Number(s)
        mb = Number(kb) / 1024
      } catch {
        // Killed: no stats.
      }
      resolveRun({ code, out, seconds, mb })
    }),
  )
}

function manyBuilds(n: number): string {
  const F = '```'
  const parts = [
    '---',
    'title: "Many builds"',
    'chapter: 1',
    'lesson: 1',
    'duration_minutes: 5',
    'learning_objectives:',
    '  - objective: "Build"',
    '    bloom_level: "Apply"',
    '---',
    '',
    '# Many builds',
    '',
  ]
  for (let i = 0; i < n; i++)
    parts.push(
      `## Iteration ${i}`,
      '',
      `Create \`Dockerfile.v${i}\`:`,
      '',
      `${F}dockerfile`,
      'FROM debian:bookworm-slim',
      `RUN echo ${i} > /x`,
      F,
      '',
      `${F}bash`,
      `docker build -t app:v${i} -f Dockerfile.v${i} .`,
      F,
      '',
    )
  return parts.join('\n')
}

describe('inputs that are not lessons', () => {
  it('refuses a FIFO without opening it', async () => {
    const fifo = join(dir, 'pipe.md')
    execFileSync('mkfifo', [fifo])
    const run = await verify(fifo)
    expect(run.code, run.out).toBe(2)
    expect(run.out).toContain('not a regular file')
    expect(run.seconds).toBeLessThan(SECONDS)
    expect(run.mb).toBeLessThan(MEGABYTES)
  }, 60_000)

  it('refuses a symlink to /dev/zero without reading it', async () => {
    const zero = join(dir, 'zero.md')
    symlinkSync('/dev/zero', zero)
    const run = await verify(zero)
    expect(run.code, run.out).toBe(2)
    expect(run.out).toContain('not a regular file')
    expect(run.mb).toBeLessThan(MEGABYTES)
    expect(run.seconds).toBeLessThan(SECONDS)
  }, 60_000)

  it('refuses a 1 GB sparse file by its size, before reading it', async () => {
    const sparse = join(dir, 'sparse.md')
    writeFileSync(sparse, '')
    truncateSync(sparse, 1024 ** 3)
    const run = await verify(sparse)
    expect(run.code, run.out).toBe(2)
    expect(run.out).toContain('larger than the 2.0 MiB a lesson may be')
    expect(run.mb).toBeLessThan(MEGABYTES)
    expect(run.seconds).toBeLessThan(SECONDS)
  }, 60_000)

  it('refuses a lesson with 10,000 builds at the first one past the limit, in bounded time and memory', async () => {
    const lesson = join(dir, 'many.md')
    writeFileSync(lesson, manyBuilds(10_000))
    const run = await verify(lesson)
    expect(run.code, run.out).toBe(2)
    expect(run.out).toContain('lessonproof reads at most 1,000 builds per document')
    expect(run.mb).toBeLessThan(MEGABYTES)
    expect(run.seconds).toBeLessThan(SECONDS)
  }, 90_000)

  it('reads a lesson with 1,000 builds, each with its own Dockerfile, in bounded time and memory', async () => {
    const lesson = join(dir, 'thousand.md')
    writeFileSync(lesson, manyBuilds(1_000))
    const run = await verify(lesson)
    expect(run.code, run.out).toBe(0)
    expect(run.mb).toBeLessThan(MEGABYTES)
    expect(run.seconds).toBeLessThan(SECONDS)
  }, 90_000)

  it('says so when a directory holds no lesson, and refuses a file that is no lesson', async () => {
    const empty = join(dir, 'empty')
    mkdirSync(empty)
    const none = await verify(empty)
    expect(none.code, none.out).toBe(2)
    expect(none.out).toContain('no lesson document')
    const pkg = await verify(resolve('package.json'))
    expect(pkg.code, pkg.out).toBe(2)
    expect(pkg.out).toContain('not a lesson document')
  }, 60_000)
})
