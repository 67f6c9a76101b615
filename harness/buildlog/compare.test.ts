import { diffLinesUnified } from '@vitest/utils/diff'
import { describe, expect, it } from 'vitest'
import { compareBuildLogs } from './compare.js'
import { unifiedDiff } from './diff.js'
import { PLAIN_AND_TTY, recorded } from './fixtures.js'
import { parseBuildLog } from './parse.js'

const log = (path: string) => parseBuildLog(recorded(path))
/** A recorded log with one line edited, the way a lesson gets one wrong. */
const edited = (path: string, from: string | RegExp, to: string) => {
  const text = recorded(path)
  const changed = text.replace(from, to)
  expect(changed).not.toBe(text)
  return parseBuildLog(changed)
}
const kinds = (r: { differences: { kind: string }[] }) => r.differences.map((d) => d.kind)

describe('claimed logs that agree with the real one', () => {
  it.each(PLAIN_AND_TTY)('%s (real) against %s (claimed)', (plain, tty) => {
    const result = compareBuildLogs(log(tty), log(plain))
    expect(result.differences).toEqual([])
    expect(result).toMatchObject({ ok: true, diff: '' })
  })

  it('ignores durations, digests, vertex numbers and the order of independent stages', () => {
    // Two separate runs: every duration, digest and #N differs, and the stages ran in another order.
    expect(compareBuildLogs(log('parallel/plain.log'), log('parallel/plain-cached.log')).ok).toBe(true)
    expect(compareBuildLogs(log('multi-stage/tty.log'), log('multi-stage/plain-cached.log')).ok).toBe(true)
  })

  it('accepts a cut instruction (`...`), a FROM written short, and a FROM the stages share shown twice', () => {
    const claimed = parseBuildLog(
      [
        '[+] Building 4.1s (9/9) FINISHED',
        ' => [left 1/2] FROM debian:bookworm-slim                                  0.0s',
        ' => [left 2/2] RUN echo left-start && sleep 3 ...                          3.1s',
        ' => [right 1/2] FROM debian:bookworm-slim                                 0.0s',
        ' => [right 2/2] RUN echo right-start && sleep 3 && echo right-end > /right 3.0s',
        ' => [stage-2 1/3] FROM docker.io/library/debian:bookworm-slim@sha256:0123456789ab  0.0s',
        ' => [stage-2 2/3] COPY --from=left /left /left                             0.0s',
        ' => [stage-2 3/3] COPY --from=right /right /right                          0.0s',
      ].join('\n'),
    )
    expect(compareBuildLogs(claimed, log('parallel/plain.log')).differences).toEqual([])
  })

  it("holds a FROM by its image even when the engine shows it under another build's label", () => {
    const claimed = parseBuildLog(
      [
        '[+] Building 2.6s (6/6) FINISHED',
        ' => [left 1/2] FROM docker.io/library/debian:bookworm-slim     0.0s',
        ' => [left 2/2] RUN sleep 2 && echo left > /left               2.3s',
      ].join('\n'),
    )
    expect(compareBuildLogs(claimed, log('concurrent/plain.log')).differences).toEqual([])
  })

  it('lets steps go unshown where the claimed log marks an elision', () => {
    const claimed = edited('multi-stage/tty.log', /^ => \[builder 2\/3\].*$/m, ' ...')
    expect(compareBuildLogs(claimed, log('multi-stage/plain.log')).ok).toBe(true)
  })

  it('compares FROM through the image map', () => {
    const claimed = edited(
      'single-stage/tty.log',
      'FROM docker.io/library/debian:bookworm-slim',
      'FROM python:3.12-slim',
    )
    const real = log('single-stage/plain.log')
    expect(kinds(compareBuildLogs(claimed, real))).toEqual(['instruction'])
    expect(
      compareBuildLogs(claimed, real, { imageMap: { 'python:3.12-slim': 'debian:bookworm-slim' } }).ok,
    ).toBe(true)
  })
})

describe('claimed logs that do not', () => {
  it('a skipped step, shown as a diff', () => {
    const claimed = edited('single-stage/tty.log', /^ => \[3\/5\] COPY a\.txt \..*\n/m, '')
    const result = compareBuildLogs(claimed, log('single-stage/plain.log'))
    expect(result.differences).toEqual([
      {
        kind: 'missing-step',
        message: "the build ran [3/5] COPY a.txt ., which the lesson's log does not show",
      },
    ])
    expect(result.diff).toMatchInlineSnapshot(`
      "- Expected
      + Received

        [+] Building (10/10) FINISHED
        => [1/5] FROM docker.io/library/debian:bookworm-slim
        => CACHED [2/5] WORKDIR /app
      + => [3/5] COPY a.txt .
        => [4/5] ADD b.txt /srv/
        => [5/5] RUN echo "hi from /app" && echo second line"
    `)
  })

  it('a misnumbered stage', () => {
    const claimed = edited('multi-stage/tty.log', '[builder 2/3]', '[builder 2/4]')
    const result = compareBuildLogs(claimed, log('multi-stage/plain.log'))
    expect(result.differences).toEqual([
      {
        kind: 'numbering',
        line: expect.any(Number),
        message: '[builder 2/4] COPY --chown=1:1 a.txt b.txt ./: stage builder has 3 steps, not 4',
      },
    ])
    expect(result.diff).toContain('- => [builder 2/4] COPY --chown=1:1 a.txt b.txt ./')
    expect(result.diff).toContain('+ => [builder 2/3] COPY --chown=1:1 a.txt b.txt ./')
  })

  it('a wrong total shown on every step of the stage, reported once', () => {
    const claimed = parseBuildLog(
      recorded('single-stage/tty.log').replace(/\[(\d)\/5\]/g, (_, n: string) => `[${n}/4]`),
    )
    const result = compareBuildLogs(claimed, log('single-stage/plain.log'))
    expect(kinds(result)).toEqual(['numbering'])
    for (const n of [1, 2, 3, 4, 5]) expect(result.diff).toContain(`+ => ${n === 2 ? 'CACHED ' : ''}[${n}/5]`)
  })

  it('a step shown at another place of its stage: numbered where the build runs it', () => {
    const claimed = edited('multi-stage/tty.log', '[builder 3/3] RUN cat', '[builder 2/3] RUN cat')
    const result = compareBuildLogs(claimed, log('multi-stage/plain.log'))
    expect(result.differences).toContainEqual({
      kind: 'numbering',
      line: expect.any(Number),
      message: '[builder 2/3] RUN cat a.txt b.txt > out: the build runs it as [builder 3/3]',
    })
    expect(kinds(result)).not.toContain('instruction')
    expect(result.diff).toContain('+ => [builder 3/3] RUN cat a.txt b.txt > out')
  })

  it("another Dockerfile's steps", () => {
    const result = compareBuildLogs(log('parallel/tty.log'), log('multi-stage/plain.log'))
    expect(new Set(kinds(result))).toEqual(
      new Set(['stage', 'numbering', 'instruction', 'unexpected-step', 'missing-step', 'finished']),
    )
    expect(result.differences.find((d) => d.kind === 'finished')?.message).toBe(
      'the lesson shows (9/9) FINISHED, the build (14/14) FINISHED',
    )
  })

  it('CACHED where the build ran the step', () => {
    const result = compareBuildLogs(log('single-stage/tty-cached.log'), log('single-stage/plain.log'))
    expect(kinds(result)).toEqual(['cached', 'cached', 'cached'])
    expect(result.differences[0]?.message).toBe(
      '[3/5] COPY a.txt .: CACHED in the lesson, but the build ran it',
    )
    // Where the lesson shows a first build and the cache here was warm, nothing is wrong.
    expect(compareBuildLogs(log('single-stage/tty.log'), log('single-stage/plain-cached.log')).ok).toBe(true)
  })

  it('another instruction at the same place, and steps out of order', () => {
    const other = edited('single-stage/tty.log', 'ADD b.txt /srv/', 'COPY b.txt /srv/')
    const line =
      recorded('single-stage/tty.log')
        .split('\n')
        .findIndex((l) => l.includes('ADD b.txt')) + 1
    expect(compareBuildLogs(other, log('single-stage/plain.log')).differences).toEqual([
      {
        kind: 'instruction',
        line,
        message: '[4/5] shows "COPY b.txt /srv/", the build ran "ADD b.txt /srv/"',
      },
    ])
    const text = recorded('single-stage/tty.log')
    const lines = text.split('\n')
    const at = lines.findIndex((l) => l.includes('[4/5]'))
    ;[lines[at], lines[at + 1]] = [lines[at + 1] ?? '', lines[at] ?? '']
    expect(kinds(compareBuildLogs(parseBuildLog(lines.join('\n')), log('single-stage/plain.log')))).toEqual([
      'order',
    ])
    // Cached steps come in any order, as the engine finds them.
    const cached = recorded('single-stage/tty-cached.log').split('\n')
    const c = cached.findIndex((l) => l.includes('[4/5]'))
    ;[cached[c], cached[c + 1]] = [cached[c + 1] ?? '', cached[c] ?? '']
    expect(compareBuildLogs(parseBuildLog(cached.join('\n')), log('single-stage/plain-cached.log')).ok).toBe(
      true,
    )
  })

  it('a wrong (n/m) FINISHED count', () => {
    const claimed = edited('single-stage/tty.log', '(10/10)', '(9/9)')
    expect(compareBuildLogs(claimed, log('single-stage/plain.log')).differences).toEqual([
      { kind: 'finished', message: 'the lesson shows (9/9) FINISHED, the build (10/10) FINISHED' },
    ])
  })

  it('a BuildKit log against a classic build: not comparable step by step', () => {
    const result = compareBuildLogs(log('single-stage/tty.log'), log('single-stage/classic.log'))
    expect(result.differences).toEqual([
      {
        kind: 'builder',
        message:
          'the lesson shows a BuildKit log, the build ran with the classic builder: its steps are numbered differently',
      },
    ])
  })
})

it('renders the diff exactly as vitest does', () => {
  const a = ['[+] Building (9/9) FINISHED', '=> [1/4] FROM x', '=> [2/4] RUN a', '', '=> [4/4] COPY . .']
  const b = [
    '[+] Building (9/9) FINISHED',
    '=> [1/4] FROM x',
    '=> [2/4] RUN b',
    '=> [3/4] RUN c',
    '=> [4/4] COPY . .',
  ]
  const plain = (s: string) => s
  const vitest = diffLinesUnified(a, b, {
    aColor: plain,
    bColor: plain,
    changeColor: plain,
    commonColor: plain,
    patchColor: plain,
  })
  expect(unifiedDiff(a, b)).toBe(vitest)
})
