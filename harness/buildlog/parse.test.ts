import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PLAIN_AND_TTY, recorded } from './fixtures.js'
import { type BuildLog, stepLabel } from './model.js'
import { BuildLogError, detectShape, parseBuildLog } from './parse.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const LOGS = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.log'))
  .sort()

const steps = (log: BuildLog) =>
  log.steps.map((s) => `${s.cached ? 'CACHED ' : ''}${stepLabel(s)} ${s.instruction}`)

describe('the recorded logs', () => {
  it.each(LOGS)('%s is read as the shape its name says', (file) => {
    const shape = /(^|\/)(plain|tty|classic)[^/]*\.log$/.exec(file)?.[2]
    expect(detectShape(recorded(file))).toBe(shape)
    expect(() => parseBuildLog(recorded(file))).not.toThrow()
  })

  it.each(PLAIN_AND_TTY)('%s and %s show the same steps and the same (n/m)', (plain, tty) => {
    const a = parseBuildLog(recorded(plain))
    const b = parseBuildLog(recorded(tty))
    // A FROM the stages share shows under any one of their labels, which differs from run to run.
    const shown = (log: BuildLog) =>
      log.steps.map((s) => (s.keyword === 'FROM' ? s.instruction : `${stepLabel(s)} ${s.instruction}`)).sort()
    expect(shown(a)).toEqual(shown(b))
    // A plain log prints no count: its vertices, counted, are the terminal's (n/m).
    expect(a.progress).toMatchObject({ done: b.progress?.done, total: b.progress?.total, finished: true })
    expect(b.progress?.finished).toBe(true)
    expect(a.vertices.map((v) => v.name).sort()).toEqual(b.vertices.map((v) => v.name).sort())
  })

  it('reads the output, the durations and the image of a plain log', () => {
    const log = parseBuildLog(recorded('parallel/plain.log'))
    const left = log.steps.find((s) => s.stage === 'left' && s.index === 2)
    expect(left).toMatchObject({ keyword: 'RUN', output: ['left-start'], status: 'done', cached: false })
    expect(left?.seconds).toBeGreaterThanOrEqual(3)
    expect(log.imageId).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(log.tags).toEqual(['docker.io/lessonproof-buildlog-fixture/parallel:1'])
    expect(log.vertices.map((v) => v.kind)).toEqual(['internal', 'internal', 'internal', 'export'])
  })

  it('reads CACHED from a rebuild', () => {
    const log = parseBuildLog(recorded('single-stage/plain-cached.log'))
    expect(
      log.steps.filter((s) => s.keyword !== 'FROM').every((s) => s.cached && s.status === 'cached'),
    ).toBe(true)
  })

  it.each(['failing-run/plain.log', 'failing-run/tty.log'])(
    '%s: the failing step, its last lines and the message',
    (file) => {
      const log = parseBuildLog(recorded(file))
      expect(log.failure).toEqual({
        step: '[3/4] RUN echo preparing && echo "second line" && ls /nonexistent',
        message:
          'executor failed running [/bin/sh -c echo preparing && echo "second line" && ls /nonexistent]: exit code: 2',
        output: ['preparing', 'second line', "ls: cannot access '/nonexistent': No such file or directory"],
      })
      expect(log.steps.at(-1)?.status).toBe('error')
      expect(log.progress?.finished ?? false).toBe(false)
    },
  )

  it('reads the classic builder: every instruction a step, numbered over the whole file', () => {
    const log = parseBuildLog(recorded('multi-stage/classic.log'))
    expect(log.builder).toBe('classic')
    expect(log.steps.map((s) => `${s.index}/${s.total} ${s.keyword}`).slice(0, 6)).toEqual([
      '1/17 FROM',
      '2/17 ARG',
      '3/17 ENV',
      '4/17 WORKDIR',
      '5/17 RUN',
      '6/17 FROM',
    ])
    // `--label` adds a LABEL step of its own at the end.
    expect(log.steps.at(-1)?.instruction).toMatch(/^LABEL org\.lessonproof\.run=/)
    expect(log.tags).toEqual(['lessonproof-buildlog-fixture/multi-stage:1'])
    const failed = parseBuildLog(recorded('failing-run/classic.log'))
    expect(failed.failure?.step).toBe(
      'Step 3/5 : RUN echo preparing && echo "second line" && ls /nonexistent',
    )
    // The step's stdout and stderr reach the log in either order.
    expect(failed.failure?.output.sort()).toEqual([
      "ls: cannot access '/nonexistent': No such file or directory",
      'preparing',
      'second line',
    ])
  })

  it('reads what the 20.10 engine says of a heredoc and of a # syntax line', () => {
    expect(parseBuildLog(recorded('heredoc/plain.log')).failure?.message).toMatch(
      /dockerfile parse error line 3: unknown instruction: ECHO/,
    )
    expect(parseBuildLog(recorded('syntax-line/plain.log')).failure).toMatchObject({
      step: 'resolve image config for docker.io/docker/dockerfile:1',
      message: expect.stringContaining('registry-1.docker.io'),
    })
    expect(parseBuildLog(recorded('syntax-line/classic.log')).failure).toBeUndefined()
  })
})

describe('logs as lessons paste them', () => {
  it('reads a terminal screen after a $ docker build line, with notes and cut instructions', () => {
    const log = parseBuildLog(
      [
        '$ docker build -t tasks:multistage -f Dockerfile.multistage .',
        '[+] Building 12.8s (14/14) FINISHED                                   docker:default',
        ' => [internal] load build definition from Dockerfile.multistage       0.0s',
        ' => => transferring dockerfile: 612B                                  0.0s',
        ' => [builder 1/3] FROM docker.io/library/python:3.12-slim@sha256:0123abcd  0.0s',
        ' => CACHED [builder 2/3] RUN pip install uv                          3.2s',
        ' => [builder 3/3] RUN uv pip install --system --no-cache ...          1.8s  <-- Much faster!',
        ' => [stage-1 2/3] COPY --from=builder /usr/local/lib/python...        0.4s  (reused)',
        ' => [stage-1 3/3] COPY main.py .                                      0.0s',
        ' => exporting to image                                                0.3s',
      ].join('\n'),
    )
    expect(log).toMatchObject({
      shape: 'tty',
      builder: 'buildkit',
      command: 'docker build -t tasks:multistage -f Dockerfile.multistage .',
      seconds: 12.8,
      progress: { done: 14, total: 14, finished: true, counted: false },
      elisions: [],
    })
    expect(steps(log)).toEqual([
      '[builder 1/3] FROM docker.io/library/python:3.12-slim@sha256:0123abcd',
      'CACHED [builder 2/3] RUN pip install uv',
      '[builder 3/3] RUN uv pip install --system --no-cache',
      '[stage-1 2/3] COPY --from=builder /usr/local/lib/python',
      '[stage-1 3/3] COPY main.py .',
    ])
    expect(log.steps.map((s) => [s.line, s.truncated, s.seconds])).toEqual([
      [5, false, 0],
      [6, false, 3.2],
      [7, true, 1.8],
      [8, true, 0.4],
      [9, false, 0],
    ])
  })

  it('reads an instruction the terminal cut at its width as cut, though it shows no ...', () => {
    // As the 20.10 client prints it on a 120-column terminal: the name runs up to the duration.
    const log = parseBuildLog(
      [
        '[+] Building 9.4s (10/10) FINISHED',
        ' => CACHED [1/5] FROM docker.io/library/debian:bookworm-slim                                                       0.0s',
        ' => [2/5] RUN apt-get update &&     apt-get install -y --no-install-recommends gcc libc6-dev &&     rm -rf /var/l  8.3s',
        ' => [3/5] WORKDIR /src                                                                                             0.0s',
        ' => CACHED [builder 2/5] RUN apt-get update &&     apt-get install -y --no-install-recommends gcc libc6-dev &&     0.0s',
      ].join('\n'),
    )
    expect(log.steps.map((s) => s.truncated)).toEqual([false, true, false, true])
    expect(log.steps[1]?.instruction).toBe(
      'RUN apt-get update &&     apt-get install -y --no-install-recommends gcc libc6-dev &&     rm -rf /var/l',
    )
  })

  it('reads steps without timings, elisions, and RUN output pasted between the steps', () => {
    const log = parseBuildLog(
      [
        '[+] Building (6/6) FINISHED',
        ' => [1/4] FROM docker.io/library/debian:bookworm-slim',
        '...',
        ' => [3/4] RUN apt-get update',
        'Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]',
        ' => => # Reading package lists...',
        ' => [4/4] COPY main.py .',
      ].join('\n'),
    )
    expect(log.elisions).toEqual([3])
    expect(log.steps.map((s) => [stepLabel(s), s.status, s.seconds, s.output])).toEqual([
      ['[1/4]', 'done', undefined, []],
      [
        '[3/4]',
        'done',
        undefined,
        ['Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]', 'Reading package lists...'],
      ],
      ['[4/4]', 'done', undefined, []],
    ])
  })

  it('reads a newer plain log: #0, a platform, and the error with a Dockerfile excerpt', () => {
    const log = parseBuildLog(
      [
        '#0 building with "default" instance using docker driver',
        '',
        '#1 [internal] load build definition from Dockerfile',
        '#1 transferring dockerfile: 127B done',
        '#1 DONE 0.0s',
        '',
        '#5 [linux/arm64 builder 2/3] RUN make',
        '#5 0.312 cc -o app main.c',
        '#5 0.401 main.c:1: error',
        '#5 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
        '------',
        ' > [linux/arm64 builder 2/3] RUN make:',
        '0.312 cc -o app main.c',
        '0.401 main.c:1: error',
        '------',
        'Dockerfile:3',
        '--------------------',
        '   2 |     WORKDIR /src',
        '   3 | >>> RUN make',
        '--------------------',
        'ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      ].join('\n'),
    )
    expect(log.steps[0]).toMatchObject({
      platform: 'linux/arm64',
      stage: 'builder',
      index: 2,
      total: 3,
      status: 'error',
    })
    expect(log.failure).toEqual({
      step: '[linux/arm64 builder 2/3] RUN make',
      message: 'failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2',
      output: ['cc -o app main.c', 'main.c:1: error'],
    })
    expect(log.progress).toBeUndefined()
  })

  it('reads a classic log with the deprecation notice of newer clients', () => {
    const log = parseBuildLog(
      [
        'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.',
        '            Install the buildx component to build images with BuildKit:',
        '            https://docs.docker.com/go/buildx/',
        '',
        'Sending build context to Docker daemon  3.072kB',
        'Step 1/3 : FROM debian:bookworm-slim',
        ' ---> 457b29abc760',
        'Step 2/3 : RUN echo hi',
        ' ---> Using cache',
        ' ---> 1a2b3c4d5e6f',
        'Step 3/3 : CMD ["app"]',
        ' ---> Running in 0a1b2c3d4e5f',
        ' ---> 6f5e4d3c2b1a',
        'Successfully built 6f5e4d3c2b1a',
        'Successfully tagged app:1',
      ].join('\n'),
    )
    expect(steps(log)).toEqual([
      '[1/3] FROM debian:bookworm-slim',
      'CACHED [2/3] RUN echo hi',
      '[3/3] CMD ["app"]',
    ])
    expect(log.steps.every((s) => s.output.length === 0)).toBe(true)
    expect(log).toMatchObject({ imageId: '6f5e4d3c2b1a', tags: ['app:1'] })
  })

  it('refuses a text that is no build log, saying what it expected', () => {
    expect(() =>
      parseBuildLog('REPOSITORY   TAG   IMAGE ID\napp  1  0123'),
    ).toThrowErrorMatchingInlineSnapshot(
      `[BuildLogError: not a build log: expected BuildKit output (\`#5 [2/4] RUN …\` or \` => [2/4] RUN …\`) or the classic builder (\`Step 2/4 : RUN …\`)]`,
    )
    try {
      parseBuildLog('hello')
    } catch (error) {
      expect(error).toBeInstanceOf(BuildLogError)
      expect((error as BuildLogError).received).toBe('hello')
    }
  })
})
