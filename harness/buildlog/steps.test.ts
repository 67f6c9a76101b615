import { describe, expect, it } from 'vitest'
import { recorded, recordedDockerfile, SUCCESSFUL_BUILDKIT_LOGS } from './fixtures.js'
import { stepLabel } from './model.js'
import { parseBuildLog } from './parse.js'
import { buildkitSteps, expand, expectedVertices, normalizeImage, stagesBuilt } from './steps.js'

const shown = (log: string) =>
  parseBuildLog(recorded(log)).steps.map((s) => `${stepLabel(s)} ${s.instruction}`)

describe('buildkitSteps against the logs recorded with the engine', () => {
  it.each(SUCCESSFUL_BUILDKIT_LOGS)('$log shows the steps the rule predicts', ({ log, target }) => {
    const scenario = log.split('/')[0] ?? ''
    const plan = buildkitSteps(recordedDockerfile(scenario))
    const real = parseBuildLog(recorded(log))
    const predicted = stagesBuilt(plan, target).flatMap((stage) =>
      stage.steps.map((s) => ({ stage: stage.label, index: s.index, total: s.total, text: s.text })),
    )
    const actual = real.steps.map((s) => ({
      stage: s.stage,
      index: s.index,
      total: s.total,
      text: s.instruction,
    }))
    for (const step of actual) expect(predicted).toContainEqual(step)
    // A FROM the stages share is shown once, under one of their labels.
    const unseen = predicted.filter(
      (p) =>
        !actual.some(
          (a) => a.stage === p.stage && a.index === p.index && a.total === p.total && a.text === p.text,
        ) && !(p.text.startsWith('FROM ') && actual.some((a) => a.text === p.text)),
    )
    expect(unseen).toEqual([])
    expect(expectedVertices(plan, target)).toBe(real.progress?.total)
  })

  it('numbers FROM, WORKDIR, COPY, ADD and RUN; not LABEL, ARG, ENV, USER, SHELL, EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK, ONBUILD, ENTRYPOINT, CMD', () => {
    expect(shown('single-stage/plain.log')).toEqual([
      '[1/5] FROM docker.io/library/debian:bookworm-slim',
      '[2/5] WORKDIR /app',
      '[3/5] COPY a.txt .',
      '[4/5] ADD b.txt /srv/',
      '[5/5] RUN echo "hi from /app" && echo second line',
    ])
    const plan = buildkitSteps(recordedDockerfile('single-stage'))
    expect(plan.stages[0]?.steps.map((s) => s.keyword)).toEqual(['FROM', 'WORKDIR', 'COPY', 'ADD', 'RUN'])
    expect(plan.stages[0]?.label).toBeUndefined()
  })

  it('labels unnamed stages stage-<index>; FROM <stage> and FROM scratch are no steps; a shared FROM shows once', () => {
    // Independent stages run in parallel, so the order across stages differs from run to run.
    const labels = parseBuildLog(recorded('multi-stage/plain.log')).steps.map((s) => stepLabel(s))
    expect(labels.sort()).toEqual([
      '[base 2/3]',
      '[base 3/3]',
      '[builder 1/3]',
      '[builder 2/3]',
      '[builder 3/3]',
      '[stage-2 1/2]',
      '[stage-2 2/2]',
      '[stage-4 1/2]',
      '[stage-4 2/2]',
    ])
    const plan = buildkitSteps(recordedDockerfile('multi-stage'))
    expect(plan.stages.map((s) => `${s.label} ${s.total}`)).toEqual([
      'base 3',
      'builder 3',
      'stage-2 2',
      'tester 1',
      'stage-4 2',
    ])
  })

  it('builds only the stages the target needs: the default target skips a stage nothing needs', () => {
    expect(shown('two-stage-target/plain.log')).toEqual([
      '[second 1/2] FROM docker.io/library/debian:bookworm-slim',
      '[second 2/2] RUN echo second > /second',
    ])
    const plan = buildkitSteps(recordedDockerfile('two-stage-target'))
    expect(stagesBuilt(plan).map((s) => s.label)).toEqual(['second'])
    expect(
      stagesBuilt(buildkitSteps(recordedDockerfile('multi-stage')), 'tester').map((s) => s.label),
    ).toEqual(['base', 'builder', 'tester'])
    expect(shown('multi-stage/plain-target-tester.log')).not.toContainEqual(
      expect.stringMatching(/stage-[24]/),
    )
  })

  it('labels a single stage stage-0 when a cache mount or a COPY --from=<image> adds a state', () => {
    expect(shown('run-mount/plain.log')[0]).toBe('[stage-0 1/2] FROM docker.io/library/debian:bookworm-slim')
    expect(shown('copy-from-image/plain.log')[0]).toBe(
      '[stage-0 1/3] FROM docker.io/library/debian:bookworm-slim',
    )
    expect(buildkitSteps(recordedDockerfile('run-mount')).stages[0]?.label).toBe('stage-0')
    expect(buildkitSteps(recordedDockerfile('copy-from-image')).stages[0]?.label).toBe('stage-0')
    const other = parseBuildLog(recorded('copy-from-image/plain.log')).vertices.filter(
      (v) => v.kind === 'source',
    )
    expect(other.map((v) => v.name)).toEqual(['FROM docker.io/library/debian:bookworm'])
  })

  it('shows ARG and ENV values substituted, continuation lines joined as written, no :latest added', () => {
    expect(shown('variables/plain.log').slice(1)).toEqual([
      `[2/5] RUN echo "1 2 $UNSET 2 '2'" 'single $B' $B $(echo sub)`,
      '[3/5] COPY --chown=2:2 Dockerfile /d/2',
      '[4/5] WORKDIR /w//2',
      '[5/5] RUN echo one &&     echo two   && echo three',
    ])
    expect(shown('implicit-latest/plain.log')[0]).toBe(
      '[1/2] FROM docker.io/lessonproof-buildlog-fixture/implicit-base',
    )
    expect(shown('single-stage/plain.log')[0]).toBe('[1/5] FROM docker.io/library/debian:bookworm-slim')
  })

  it('shows a FROM under the label of another build running at the same time on the engine', () => {
    // concurrent/plain.log was built with --target left while concurrent/other built: they share the FROM vertex.
    const steps = parseBuildLog(recorded('concurrent/plain.log')).steps
    const other = parseBuildLog(recorded('concurrent/plain-other.log')).steps
    expect(steps.map((s) => stepLabel(s))).toEqual(['[1/3]', '[left 2/2]'])
    expect(other.map((s) => stepLabel(s)).sort()).toEqual(['[1/3]', '[2/3]', '[3/3]'])
    const plan = buildkitSteps(recordedDockerfile('concurrent'))
    expect(
      stagesBuilt(plan, 'left').map((s) => s.steps.map((x) => `${s.label} ${x.index}/${x.total}`)),
    ).toEqual([['left 1/2', 'left 2/2']])
  })

  it('numbers ONBUILD triggers of the base image after FROM, past the total', () => {
    expect(shown('onbuild/plain.log')).toEqual([
      '[1/2] FROM docker.io/lessonproof-buildlog-fixture/onbuild-parent:1',
      '[2/2] COPY a.txt .',
      '[3/2] RUN cat a.txt',
      '[4/2] RUN echo child',
    ])
    // The triggers are in the parent image, not in the Dockerfile: the rule knows only its own two steps.
    const plan = buildkitSteps(recordedDockerfile('onbuild'))
    expect(plan.stages[0]?.steps.map((s) => `${s.index}/${s.total} ${s.text}`)).toEqual([
      '1/2 FROM docker.io/lessonproof-buildlog-fixture/onbuild-parent:1',
      '2/2 RUN echo child',
    ])
  })
})

describe('buildkitSteps', () => {
  it('reads build args, global ARGs in FROM, ENV inherited from a parent stage', () => {
    const plan = buildkitSteps(
      [
        'ARG BASE=python:3.12-slim',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable
        'FROM ${BASE} AS base',
        'ENV APP=/srv',
        'FROM base',
        'ARG MODE',
        'WORKDIR $APP/$MODE',
      ].join('\n'),
      { buildArgs: { MODE: 'prod' } },
    )
    expect(plan.stages.map((s) => s.steps.map((x) => `${s.label} ${x.index}/${x.total} ${x.text}`))).toEqual([
      ['base 1/1 FROM docker.io/library/python:3.12-slim'],
      ['stage-1 1/1 WORKDIR /srv/prod'],
    ])
    expect(plan.stages[1]?.needs).toEqual([0])
  })

  it('does not count a bind mount (the build context) as a state of its own', () => {
    expect(shown('bind-mount/plain.log')[1]).toBe('[2/2] RUN --mount=type=bind,target=/ctx cat /ctx/a.txt')
    const plan = buildkitSteps(recordedDockerfile('bind-mount'))
    expect(plan.stages[0]?.label).toBeUndefined()
    expect(plan.stages[0]?.usesContext).toBe(true)
  })
})

it('expands variables the way the recorded RUN and WORKDIR lines show them', () => {
  const vars = { A: '1', B: '2', EMPTY: '' }
  expect(expand(`echo "$A" '$A' \\$A $NOPE \${EMPTY:-d} \${B:+alt}`, vars, true)).toBe(
    `echo "1" '$A' $A $NOPE d alt`,
  )
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable
  expect(expand('/w/${NOPE}/$B', vars, false)).toBe('/w//2')
})

it('normalizes image references as a FROM step shows them', () => {
  expect(normalizeImage('debian:bookworm-slim')).toBe('docker.io/library/debian:bookworm-slim')
  expect(normalizeImage('user/app')).toBe('docker.io/user/app')
  expect(normalizeImage('127.0.0.1:5000/lab/probe:stable')).toBe('127.0.0.1:5000/lab/probe:stable')
  expect(normalizeImage('localhost/x')).toBe('localhost/x')
})
