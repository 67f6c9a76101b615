/**
 * Iteration identity under load: tags that differ only after a registry's port or in case
 * (`localhost:5000/app:v1`/`:v2`, `app:v1`/`app:V1`), and a tag built again later from another
 * Dockerfile. Two Dockerfiles make images 30 MB apart; every `docker images` row states the size
 * of the build standing at its line, so measuring one iteration's image for another's fails.
 * Run 10 times with --concurrency 2: every run gives every claim its verdict.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { BASE, docker, leftOf, NOTHING, runCli } from './support/faults.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const engine = await docker(['image', 'inspect', BASE])
const unavailable = engine.exitCode === 0 ? '' : String(engine.stderr).split('\n')[0] || 'no engine'
const RUNS = 10

function lesson(nonce: string): string {
  const F = '```'
  const build = (tag: string, file: string) => [`${F}bash`, `docker build -t ${tag} -f ${file} .`, F, '']
  const images = (repo: string, tag: string, size: string) => [
    `${F}bash`,
    `docker images ${repo}:${tag}`,
    F,
    '',
    '**Output:**',
    '',
    F,
    'REPOSITORY   TAG   IMAGE ID       CREATED         SIZE',
    `${repo}   ${tag}   0123456789ab   2 seconds ago   ${size}`,
    F,
    '',
  ]
  return [
    '---',
    'title: "Tags"',
    'chapter: 1',
    'lesson: 1',
    'duration_minutes: 5',
    'learning_objectives:',
    '  - objective: "Tag images"',
    '    bloom_level: "Apply"',
    '---',
    '',
    '# Tags',
    '',
    'Create `Dockerfile.small`:',
    '',
    `${F}dockerfile`,
    `FROM ${BASE}`,
    `RUN echo ${nonce} > /small`,
    'CMD ["sleep", "infinity"]',
    F,
    '',
    'Create `Dockerfile.big`:',
    '',
    `${F}dockerfile`,
    `FROM ${BASE}`,
    `RUN echo ${nonce} > /big && head -c 30000000 /dev/urandom > /blob`,
    'CMD ["sleep", "infinity"]',
    F,
    '',
    ...build('localhost:5000/app:v1', 'Dockerfile.small'),
    ...build('localhost:5000/app:v2', 'Dockerfile.big'),
    ...build('app:v1', 'Dockerfile.big'),
    ...build('app:V1', 'Dockerfile.small'),
    ...images('localhost:5000/app', 'v1', '74.8MB'),
    ...images('localhost:5000/app', 'v2', '105MB'),
    ...images('app', 'v1', '105MB'),
    ...images('app', 'V1', '74.8MB'),
    'Now build `app:v1` from the small Dockerfile instead:',
    '',
    ...build('app:v1', 'Dockerfile.small'),
    ...images('app', 'v1', '74.8MB'),
  ].join('\n')
}

if (unavailable) {
  if (required)
    it('a Docker engine with the lab base image answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no engine or no ${BASE}: ${unavailable}`)
    })
  else it.skip(`tag specs: no engine or no ${BASE} (${unavailable})`, () => {})
} else {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-faults-tags-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'lesson.md'), lesson(randomBytes(4).toString('hex')))

  it(`gives every claim its verdict in ${RUNS} runs at --concurrency 2`, async () => {
    const outputs: string[] = []
    for (let i = 0; i < RUNS; i++) {
      const run = await runCli(
        ['verify', 'lesson.md', '--no-pull', '--no-cache', '--concurrency', '2', '--verbose'],
        {
          cwd: dir,
        },
      )
      expect(run.code, `run ${i + 1}:\n${run.stdout}\n${run.stderr}`).toBe(0)
      // No claim asks what the apps answer: they are built and measured, not run.
      expect(run.stdout, `run ${i + 1}`).toContain('0 failed')
      for (const [tag, size] of [
        ['localhost:5000/app:v1', '74.8MB'],
        ['localhost:5000/app:v2', '105MB'],
        ['app:v1', '105MB'],
        ['app:V1', '74.8MB'],
        ['app:v1', '74.8MB'],
      ])
        expect(run.stdout).toContain(`${tag} is ${size} (docker images)`)
      expect(await leftOf(run.runId ?? '')).toEqual(NOTHING)
      outputs.push(run.stdout)
    }
    expect(new Set(outputs).size).toBe(1)
  }, 900_000)
}
