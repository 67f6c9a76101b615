import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { recorded } from '../buildlog/fixtures.js'
import {
  type BuildClient,
  BuildkitBuilder,
  classicLayers,
  clientCandidates,
  findBuildClient,
  type Probe,
} from './buildkit.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-buildkit-test-'))
  dirs.push(dir)
  return dir
}

/** What the two clients on these machines answer (recorded here: /usr/local/bin/docker 28, /usr/bin/docker 20.10). */
const MACHINE: Record<string, Record<string, { ok: boolean; output: string }>> = {
  '/usr/local/bin/docker': {
    version: { ok: true, output: '28.2.2' },
    buildx: { ok: false, output: "docker: 'buildx' is not a docker command.\nSee 'docker --help'" },
    build: {
      ok: false,
      output:
        'ERROR: BuildKit is enabled but the buildx component is missing or broken.\n       Install the buildx component to build images with BuildKit:',
    },
  },
  '/usr/bin/docker': {
    version: { ok: true, output: '20.10.24+dfsg1' },
    buildx: { ok: false, output: "docker: 'buildx' is not a docker command." },
    build: { ok: true, output: 'Usage:  docker build [OPTIONS] PATH | URL | -' },
  },
}

function fakeProbe(answers: typeof MACHINE, calls: string[][] = []): Probe {
  return async (file, args, env) => {
    calls.push([file, ...args, `DOCKER_BUILDKIT=${env.DOCKER_BUILDKIT ?? ''}`])
    const answer = answers[file]
    if (!answer) return { ok: false, output: `spawn ${file} ENOENT`, missing: true }
    const command = args.includes('buildx') ? 'buildx' : args.includes('build') ? 'build' : 'version'
    return answer[command] ?? { ok: false, output: '' }
  }
}

describe('findBuildClient', () => {
  it('skips the client without buildx and takes the one with BuildKit built in, saying why', async () => {
    const calls: string[][] = []
    const env = { PATH: '/usr/local/bin:/usr/bin' }
    const candidates = clientCandidates(env, (p) => p in MACHINE)
    expect(candidates).toEqual(['/usr/local/bin/docker', '/usr/bin/docker'])
    const client = await findBuildClient({ env }, fakeProbe(MACHINE, calls))
    expect(client).toMatchObject({
      builder: 'buildkit',
      file: '/usr/bin/docker',
      build: ['build'],
      env: { DOCKER_BUILDKIT: '1' },
      version: '20.10.24+dfsg1',
    })
    expect(client.note).toBeUndefined()
    expect(client.reason).toBe(
      '/usr/local/bin/docker (client 28.2.2) cannot build with BuildKit: BuildKit is enabled but the buildx component is missing or broken.; ' +
        '/usr/bin/docker (client 20.10.24+dfsg1): no buildx plugin, BuildKit built in (DOCKER_BUILDKIT=1 docker build answers)',
    )
    // `build --help` is asked with BuildKit on, and nothing else is.
    expect(calls.filter((c) => c.includes('--help')).every((c) => c.at(-1) === 'DOCKER_BUILDKIT=1')).toBe(
      true,
    )
    expect(calls.filter((c) => !c.includes('--help')).every((c) => c.at(-1) === 'DOCKER_BUILDKIT=')).toBe(
      true,
    )
  })

  it('prefers docker buildx where the plugin answers', async () => {
    const withBuildx = {
      '/usr/local/bin/docker': {
        ...MACHINE['/usr/local/bin/docker'],
        buildx: { ok: true, output: 'github.com/docker/buildx v0.24.0 d0e5e86' },
      },
    }
    const client = await findBuildClient({ env: { PATH: '/usr/local/bin' } }, fakeProbe(withBuildx))
    expect(client).toMatchObject({ builder: 'buildx', build: ['buildx', 'build', '--load'], env: {} })
  })

  it('falls back to the classic builder with a note when no client has BuildKit', async () => {
    const only = { '/usr/local/bin/docker': MACHINE['/usr/local/bin/docker'] ?? {} }
    const client = await findBuildClient({ docker: '/usr/local/bin/docker', env: {} }, fakeProbe(only))
    expect(client).toMatchObject({ builder: 'classic', env: { DOCKER_BUILDKIT: '0' }, version: '28.2.2' })
    expect(client.note).toBe(
      'built with the classic builder: no BuildKit-capable docker client (the docker setting names /usr/local/bin/docker; ' +
        '/usr/local/bin/docker (client 28.2.2) cannot build with BuildKit: BuildKit is enabled but the buildx component is missing or broken.)',
    )
  })

  it('asks only the client the docker setting names, with its extra words', async () => {
    const calls: string[][] = []
    const named = { '/opt/docker': MACHINE['/usr/bin/docker'] ?? {} }
    const client = await findBuildClient(
      { docker: '/opt/docker --context lab', env: {} },
      fakeProbe(named, calls),
    )
    expect(client).toMatchObject({ builder: 'buildkit', file: '/opt/docker', prefix: ['--context', 'lab'] })
    expect(new Set(calls.map((c) => c[0]))).toEqual(new Set(['/opt/docker']))
  })

  it('says so when the named client does not run, or when there is none', async () => {
    await expect(findBuildClient({ docker: '/nope/docker', env: {} }, fakeProbe({}))).rejects.toThrow(
      'the docker setting names /nope/docker, which does not run: spawn /nope/docker ENOENT',
    )
    expect(clientCandidates({ PATH: '/nowhere' }, () => false)).toEqual([])
  })
})

/** A docker client that prints a recorded log as a build would, and writes the --iidfile. */
function fakeDocker(): string {
  const dir = tempDir()
  const file = join(dir, 'docker')
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      'case "$1" in image|version) exit 1 ;; esac',
      'echo "env: DOCKER_HOST=$DOCKER_HOST DOCKER_BUILDKIT=$DOCKER_BUILDKIT HOME=$HOME" >&2',
      'echo "args: $*" >&2',
      'while [ $# -gt 0 ]; do',
      '  if [ "$1" = --iidfile ] && [ -n "$FAKE_IID" ]; then echo "$FAKE_IID" > "$2"; fi',
      '  shift',
      'done',
      '[ -n "$FAKE_SLEEP" ] && exec sleep "$FAKE_SLEEP"',
      'cat "$FAKE_LOG" >&2',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable
      'exit "${FAKE_EXIT:-0}"',
      '',
    ].join('\n'),
  )
  chmodSync(file, 0o755)
  return file
}

function clientAt(file: string, builder: BuildClient['builder'] = 'buildkit'): BuildClient {
  return {
    builder,
    file,
    prefix: [],
    build: ['build'],
    env: { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' },
    version: 'fake',
    reason: 'a fake client',
    ...(builder === 'classic' ? { note: 'built with the classic builder: a fake' } : {}),
  }
}

function logFile(text: string): string {
  const path = join(tempDir(), 'log')
  writeFileSync(path, text)
  return path
}

/** A clock that moves by `step` ms each time it is read. */
function steppingClock(step: number): () => number {
  let now = 1_000_000
  return () => {
    now += step
    return now
  }
}

describe('BuildkitBuilder', () => {
  const request = { contextDir: '/ctx', dockerfile: 'Dockerfile.slim', tag: 'app:slim', timeoutMs: 30_000 }

  it('passes what the request says, labels the image with the run, and reads -f within the context', () => {
    const builder = new BuildkitBuilder(clientAt('/usr/bin/docker'), { runId: 'r1', env: {} })
    expect(
      builder.argsFor(
        { ...request, target: 'builder', labels: { a: 'b' }, buildArgs: { V: '1' }, noCache: true },
        '/tmp/iid',
      ),
    ).toEqual([
      'build',
      '-f',
      '/ctx/Dockerfile.slim',
      '-t',
      'app:slim',
      '--iidfile',
      '/tmp/iid',
      '--progress=plain',
      '--label',
      'a=b',
      '--label',
      'org.lessonproof.run=r1',
      '--build-arg',
      'V=1',
      '--target',
      'builder',
      '--no-cache',
      '/ctx',
    ])
    const classic = new BuildkitBuilder(clientAt('/usr/bin/docker', 'classic'), { runId: 'r1', env: {} })
    expect(classic.argsFor(request, '/tmp/iid')).toContain('--force-rm')
    expect(classic.argsFor(request, '/tmp/iid')).not.toContain('--progress=plain')
  })

  it('builds, with only the environment it was given, and reads the log into steps and timings', async () => {
    const env = {
      PATH: '/usr/bin:/bin',
      DOCKER_HOST: 'unix:///run/other.sock',
      FAKE_LOG: logFile(recorded('parallel/plain.log')),
      FAKE_IID: 'sha256:0123',
    }
    const before = { ...process.env }
    const builder = new BuildkitBuilder(clientAt(fakeDocker()), {
      runId: 'r1',
      env,
      clock: steppingClock(250),
    })
    const result = await builder.build(request)
    expect(process.env).toEqual(before)
    expect(result).toMatchObject({ ok: true, builder: 'buildkit', imageId: 'sha256:0123', aborted: false })
    expect(result.created).toEqual(['sha256:0123'])
    // HOME is in process.env, not in the given environment: the client does not get it.
    expect(result.log).toContain('env: DOCKER_HOST=unix:///run/other.sock DOCKER_BUILDKIT=1 HOME=\n')
    expect(result.parsed?.steps.map((s) => s.stage)).toEqual(['right', 'left', 'right', 'stage-2', 'stage-2'])
    // Each line is read 250 ms after the one before; a step ends when its DONE line arrives and
    // started the duration that line gives before.
    const lines = result.log.split('\n')
    const at = (pattern: RegExp) => (lines.findIndex((l) => pattern.test(l)) + 1) * 0.25
    const left = result.timings.find((t) => t.stage === 'left')
    const seconds = result.parsed?.steps.find((s) => s.stage === 'left')?.seconds ?? Number.NaN
    expect(left).toMatchObject({ index: 2, end: at(/^#5 DONE/) })
    expect(left?.start).toBeCloseTo(at(/^#5 DONE/) - seconds, 5)
    // A step without a duration (CACHED) spans from its first line to its last.
    expect(result.timings.find((t) => t.index === 1)).toMatchObject({
      start: at(/^#4 \[/),
      end: at(/^#4 CACHED/),
    })
    expect(result.note).toBeUndefined()
  })

  it('says what failed: the step, the message, its last lines', async () => {
    const env = { FAKE_LOG: logFile(recorded('failing-run/plain.log')), FAKE_EXIT: '1' }
    const result = await new BuildkitBuilder(clientAt(fakeDocker()), { runId: 'r1', env }).build(request)
    expect(result.ok).toBe(false)
    expect(result.created).toEqual([])
    expect(result.error).toBe(
      [
        '[3/4] RUN echo preparing && echo "second line" && ls /nonexistent: executor failed running [/bin/sh -c echo preparing && echo "second line" && ls /nonexistent]: exit code: 2',
        '  preparing',
        '  second line',
        "  ls: cannot access '/nonexistent': No such file or directory",
      ].join('\n'),
    )
  })

  it('notes the classic builder on the result, and lists the layers it made children first', async () => {
    const env = { FAKE_LOG: logFile(recorded('multi-stage/classic.log')), FAKE_IID: 'sha256:aa' }
    const result = await new BuildkitBuilder(clientAt(fakeDocker(), 'classic'), { runId: 'r1', env }).build(
      request,
    )
    expect(result).toMatchObject({
      ok: true,
      builder: 'classic',
      note: 'built with the classic builder: a fake',
    })
    const layers = classicLayers(recorded('multi-stage/classic.log').split('\n'))
    expect(layers).toHaveLength(12)
    expect(result.created).toEqual(['sha256:aa', ...layers.reverse()])
    expect(result.timings.map((t) => t.index)).toEqual(result.parsed?.steps.map((s) => s.index))
  })

  it('kills the client when aborted or out of time', async () => {
    const env = { FAKE_LOG: logFile(recorded('parallel/plain.log')), FAKE_SLEEP: '30' }
    const builder = new BuildkitBuilder(clientAt(fakeDocker()), { runId: 'r1', env })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const started = Date.now()
    const aborted = await builder.build({ ...request, signal: controller.signal })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(aborted).toMatchObject({ ok: false, aborted: true, error: 'build aborted' })
    const late = await builder.build({ ...request, timeoutMs: 200 })
    expect(late).toMatchObject({ ok: false, aborted: true, error: 'build did not finish within 0.2 s' })
  })
})
