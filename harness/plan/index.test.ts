import { describe, expect, it } from 'vitest'
import { extractClaims } from '../claims/index.js'
import type { Claim } from '../kinds/index.js'
import { parseDocument } from '../parse/index.js'
import { DEFAULT_SETTINGS, EngineOptions } from '../settings/index.js'
import { file, lesson, shell } from '../testing.js'
import { buildTagOf, imagesUsed, planRun } from './index.js'

const options = EngineOptions.parse({ runId: 'r1' })

function plan(...sections: string[]) {
  const doc = parseDocument('lessons/x.md', lesson(...sections))
  const claims = extractClaims(doc, doc) as Claim[]
  return planRun([{ doc, claims, settings: DEFAULT_SETTINGS }], options).iterations
}

describe('the images a build uses', () => {
  it('fills ARG defaults in FROM, and adds what COPY --from and a mount take from an image', () => {
    expect(
      imagesUsed(
        [
          'ARG BASE=debian:bookworm-slim',
          'FROM $BASE AS build',
          'COPY --from=lessonproof/tools:1 /bin/tool /bin/',
          'RUN --mount=type=bind,from=other/image:2,target=/x true',
          'FROM scratch',
          'COPY --from=build /bin/tool /',
        ].join('\n'),
      ).images.sort(),
    ).toEqual(
      [
        'docker.io/library/debian:bookworm-slim',
        'docker.io/lessonproof/tools:1',
        'docker.io/other/image:2',
      ].sort(),
    )
  })

  it('blocks a FROM whose variable has no default', () => {
    expect(imagesUsed('ARG BASE\nFROM $BASE\n').problem).toContain('FROM $BASE: the variable has no default')
  })

  it('leaves out the stages the target does not build', () => {
    const dockerfile = 'FROM a/one:1 AS one\nRUN true\nFROM b/two:2 AS two\nRUN true\n'
    expect(imagesUsed(dockerfile, 'one').images).toEqual(['a/one:1'])
  })
})

describe('planRun', () => {
  it('builds a COPY from outside the context, so that the builder refuses it', () => {
    const [it] = plan(
      file(
        'Dockerfile',
        'dockerfile',
        'FROM debian:bookworm-slim',
        'COPY ../../etc/passwd /x',
        'COPY /etc/shadow /y',
      ),
      shell('docker build -t app:v1 .'),
    )
    expect(it?.blocked).toBeUndefined()
  })

  it('gives every build its own tag, whole tags kept apart', () => {
    const its = plan(
      file('Dockerfile', 'dockerfile', 'FROM debian:bookworm-slim'),
      shell('docker build -t localhost:5000/app:v1 .'),
      shell('docker build -t localhost:5000/app:v2 .'),
      shell('docker build -t app:v1 .'),
      shell('docker build -t app:V1 .'),
    )
    expect(new Set(its.map((i) => i.buildTag)).size).toBe(4)
    expect(buildTagOf('r1', 'lessons/x.md', { index: 3, tag: 'app:V1' } as never)).toMatch(
      /^lessonproof-r1-[0-9a-f]{8}-3:/,
    )
  })

  it('marks a rebuild after the build it repeats, and runs an app only when a claim asks it', () => {
    const its = plan(
      file('Dockerfile', 'dockerfile', 'FROM debian:bookworm-slim'),
      shell('docker build -t app:v1 .'),
      shell('docker build -t app:v1 .'),
    )
    expect(its.map((i) => [i.key, i.rebuildOf, i.run])).toEqual([
      ['0', undefined, false],
      ['1', '0', false],
    ])
  })
})
