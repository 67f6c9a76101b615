/**
 * What the fault-injection specs share: a lesson written for the occasion (a Perl HTTP server on
 * the lab's debian:bookworm-slim, no network), the CLI run as a user runs it with its progress
 * lines watched, and what the engine and the temp dir hold of one run, found by its labels only.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { execa } from 'execa'

export const DOCKER = process.env.LESSONPROOF_DOCKER ?? '/usr/bin/docker'
export const RUN_LABEL = 'org.lessonproof.run'
export const BASE = 'debian:bookworm-slim'
const CLI = resolve('specs/support/cli.ts')
// Resolved here: a run's cwd is the lesson's own dir, where `--import tsx` would not find it.
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href

/** Runs the docker CLI; never throws. */
export async function docker(args: string[], env: Record<string, string | undefined> = process.env) {
  return execa(DOCKER, args, { reject: false, env, extendEnv: false })
}

export interface FaultLessonOptions {
  /** Seconds a RUN step sleeps, so a signal can land mid-build. @default 0 */
  buildSleep?: number
  /** Seconds the server waits before it listens, so a signal can land in the /health wait. @default 0 */
  healthDelay?: number
  /** Seconds GET /slow takes, so a signal can land while routes are called. @default 0 */
  routeDelay?: number
  /** health_timeout_s of the lesson. @default 60 */
  healthTimeout?: number
  /** Extra Dockerfile lines after the RUN. */
  extra?: string[]
  /** The size the lesson states for the image, as `docker images` prints it. @default "78.4MB" */
  size?: string
  /** Perl the server runs first (it prints, then allocates memory, say). */
  prelude?: string
}

/** A small HTTP server: /health answers `{"status":"ok"}`, /slow after a delay, anything else 404. */
export function perlServer(healthDelay: number, routeDelay: number, prelude = ''): string {
  return [
    'use strict;',
    'use IO::Socket::INET;',
    '$SIG{TERM} = sub { exit 0 };',
    '$| = 1;',
    prelude,
    `sleep ${healthDelay};`,
    'my $server = IO::Socket::INET->new(LocalPort => 8080, Listen => 16, ReuseAddr => 1) or die "listen: $!";',
    'while (my $client = $server->accept) {',
    '  my $line = <$client> // "";',
    '  while (my $h = <$client>) { last if $h =~ /^\\r?\\n$/ }',
    '  my ($status, $body) = ("404 Not Found", q({"error":"not found"}));',
    '  ($status, $body) = ("200 OK", q({"status":"ok"})) if $line =~ m{^GET /health };',
    `  if ($line =~ m{^GET /slow }) { sleep ${routeDelay}; ($status, $body) = ("200 OK", q({"slow":true})) }`,
    '  print $client "HTTP/1.1 $status\\r\\nContent-Type: application/json\\r\\nContent-Length: " . length($body) . "\\r\\nConnection: close\\r\\n\\r\\n$body";',
    '  close $client;',
    '}',
  ].join('\n')
}

/**
 * Writes a lesson into a new temp dir and returns its path. `nonce` keeps its steps out of any
 * other run's cache, so the RUN really runs.
 */
export function writeFaultLesson(options: FaultLessonOptions = {}, nonce = randomBytes(6).toString('hex')) {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-faults-spec-'))
  const F = '```'
  const dockerfile = [
    `FROM ${BASE}`,
    `RUN echo ${nonce} > /nonce && sleep ${options.buildSleep ?? 0}`,
    ...(options.extra ?? []),
    'COPY server.pl app.py /srv/',
    'EXPOSE 8080',
    'CMD ["perl", "/srv/server.pl"]',
  ].join('\n')
  const lesson = [
    '---',
    'title: "Serving /health from Perl"',
    'chapter: 1',
    'lesson: 1',
    'duration_minutes: 5',
    'learning_objectives:',
    '  - objective: "Serve a health route"',
    '    bloom_level: "Apply"',
    'lessonproof:',
    `  health_timeout_s: ${options.healthTimeout ?? 60}`,
    '---',
    '',
    '# Serving /health from Perl',
    '',
    '**File: server.pl**',
    '',
    `${F}perl`,
    perlServer(options.healthDelay ?? 0, options.routeDelay ?? 0, options.prelude),
    F,
    '',
    'The routes, as the service documents them:',
    '',
    '**File: app.py**',
    '',
    `${F}python`,
    'from fastapi import FastAPI',
    '',
    'app = FastAPI()',
    '',
    '@app.get("/slow")',
    'def slow():',
    '    return {"slow": True}',
    F,
    '',
    'Create `Dockerfile`:',
    '',
    `${F}dockerfile`,
    dockerfile,
    F,
    '',
    `${F}bash`,
    'docker build -t fault-app:v1 .',
    F,
    '',
    `${F}bash`,
    'docker images fault-app:v1',
    F,
    '',
    '**Output:**',
    '',
    F,
    'REPOSITORY   TAG   IMAGE ID       CREATED          SIZE',
    `fault-app    v1    0123456789ab   10 seconds ago   ${options.size ?? '78.4MB'}`,
    F,
    '',
    `${F}bash`,
    'docker run -d -p 8080:8080 fault-app:v1',
    'curl -s http://localhost:8080/health',
    F,
    '',
    '**Output:**',
    '',
    F,
    '{"status":"ok"}',
    F,
    '',
  ].join('\n')
  writeFileSync(join(dir, 'lesson.md'), lesson)
  return { dir, lesson: join(dir, 'lesson.md'), nonce }
}

export interface CliRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  runId: string | undefined
}

export interface Spawned {
  pid: number
  /** Resolves when stderr shows a line matching `pattern` (or the run ends first: then false). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<boolean>
  kill(signal: NodeJS.Signals): void
  done: Promise<CliRun>
}

/** The lessonproof CLI from source in its own process, as a user runs it. */
export function spawnCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Spawned {
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  const waiters: { pattern: RegExp; resolve: (hit: boolean) => void }[] = []
  const check = () => {
    for (const w of [...waiters])
      if (w.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(true)
      }
  }
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
    check()
  })
  const done = new Promise<CliRun>((resolveDone) =>
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve(false)
      resolveDone({ code, signal, stdout, stderr, runId: /lessonproof: run ([a-z0-9]+)/.exec(stderr)?.[1] })
    }),
  )
  return {
    pid: child.pid ?? 0,
    waitFor(pattern, timeoutMs = 120_000) {
      if (pattern.test(stderr)) return Promise.resolve(true)
      return new Promise((resolveWait) => {
        const waiter = { pattern, resolve: resolveWait }
        waiters.push(waiter)
        setTimeout(() => {
          const at = waiters.indexOf(waiter)
          if (at !== -1) {
            waiters.splice(at, 1)
            resolveWait(false)
          }
        }, timeoutMs)
      })
    },
    kill(signal) {
      child.kill(signal)
    },
    done,
  }
}

export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  return spawnCli(args, options).done
}

/** Everything of one run still there: containers, images (labelled or tagged), networks, temp dirs. */
export async function leftOf(
  runId: string,
  env: Record<string, string | undefined> = process.env,
): Promise<{ containers: string[]; images: string[]; networks: string[]; temp: string[] }> {
  const label = `${RUN_LABEL}=${runId}`
  const lines = (r: { stdout: unknown }) => String(r.stdout).split('\n').filter(Boolean)
  const containers = lines(await docker(['ps', '-a', '-q', '--filter', `label=${label}`], env))
  const labelled = lines(
    await docker(['images', '-a', '-q', '--no-trunc', '--filter', `label=${label}`], env),
  )
  const tagged = lines(await docker(['images', '--format', '{{.Repository}}:{{.Tag}}'], env)).filter((t) =>
    t.startsWith(`lessonproof-${runId}-`),
  )
  const networks = lines(await docker(['network', 'ls', '-q', '--filter', `label=${label}`], env))
  const temp = readdirSync(tmpdir()).filter((d) => d.startsWith(`lessonproof-${runId}-`))
  return { containers, images: [...new Set([...labelled, ...tagged])], networks, temp }
}

export const NOTHING = { containers: [], images: [], networks: [], temp: [] }

/**
 * Untagged images made the way another user's would be: a committed container of the lab's base
 * image, one with a label of its own and one with none. Returns their IDs.
 */
export async function foreignImages(): Promise<string[]> {
  const ids: string[] = []
  for (const change of [['--change', 'LABEL org.lessonproof.spec=foreign'], []]) {
    const created = await docker(['create', BASE, 'true'])
    const container = String(created.stdout).trim()
    const committed = await docker(['commit', ...change, container])
    await docker(['rm', '-f', container])
    ids.push(String(committed.stdout).trim())
  }
  return ids
}

export async function imageExists(id: string): Promise<boolean> {
  return (await docker(['image', 'inspect', id])).exitCode === 0
}

/** A dir for a run's own cwd (its .lessonproof/cache), removed by the caller. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-faults-cwd-'))
  mkdirSync(join(dir, '.lessonproof'), { recursive: true })
  return dir
}
