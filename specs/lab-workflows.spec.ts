/**
 * The GitHub workflows, read as data and their scripts run: nothing here can run them on GitHub,
 * so what they promise is checked where it can be. Event values reach scripts through `env:` only,
 * permissions are the least each needs, every `run:` passes shellcheck, and drift.yml's steps,
 * run with bash as GitHub runs them (`bash --noprofile --norc -eo pipefail`) and a fake `npx` and
 * `gh`, keep one issue up to date by the exit status of `lessonproof drift`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { REPO } from './support/lab-world.js'

interface Step {
  name?: string
  id?: string
  if?: string
  uses?: string
  run?: string
  env?: Record<string, string | number>
  with?: Record<string, unknown>
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, unknown> }; needs?: string }>
}

const FILES = ['.github/workflows', '.github/examples'].flatMap((dir) =>
  readdirSync(join(REPO, dir))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `${dir}/${f}`),
)
const read = (file: string) => parse(readFileSync(join(REPO, file), 'utf8')) as Workflow
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps)
const step = (wf: Workflow, name: string) => {
  const s = steps(wf).find((s) => s.name === name || s.id === name)
  if (!s) throw new Error(`no step '${name}'`)
  return s
}
/** A GitHub expression as a workflow writes it: `${{ e }}`. */
const expr = (e: string) => `\${{ ${e} }}`
const hasShellcheck = spawnSync('bash', ['-c', 'command -v shellcheck']).status === 0
const ci = process.env.CI === 'true' || process.env.LESSONPROOF_REQUIRE_ENGINE === '1'

const temp = mkdtempSync(join(tmpdir(), 'lessonproof-workflows-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe.each(FILES)('%s', (file) => {
  const wf = read(file)

  it('splices no expression into a script: event values reach it through env', () => {
    const spliced = steps(wf).filter((s) => s.run?.includes('${{'))
    expect(spliced.map((s) => s.name ?? s.run)).toEqual([])
  })

  it('declares its permissions, and writes nothing but the drift issue', () => {
    expect(wf.permissions).toBeDefined()
    const writes = Object.entries(wf.permissions ?? {}).filter(([, v]) => v !== 'read')
    expect(writes).toEqual(file.endsWith('drift.yml') ? [['issues', 'write']] : [])
  })

  it.runIf(hasShellcheck || ci)('every run: script passes shellcheck as bash', () => {
    for (const s of steps(wf).filter((s) => s.run)) {
      const r = spawnSync('shellcheck', ['--shell=bash', '-'], { input: s.run, encoding: 'utf8' })
      expect(r.status, `${s.name ?? s.run}\n${r.stdout}`).toBe(0)
    }
  })
})

describe('ci.yml', () => {
  const wf = read('.github/workflows/ci.yml')
  it('runs .ci/run on Node 20 and 24, on pushes and pull requests', () => {
    expect(Object.keys(wf.on)).toEqual(['push', 'pull_request'])
    expect(wf.jobs.test?.strategy?.matrix.node).toEqual([20, 24])
    expect(
      steps(wf)
        .map((s) => s.run)
        .filter(Boolean),
    ).toEqual(['bash .ci/run'])
  })
})

describe('lessons.yml', () => {
  const wf = read('.github/workflows/lessons.yml')
  it('verifies what the pull request changed since its base commit, reported at the lesson line', () => {
    expect(wf.on).toEqual({ pull_request: { paths: ['lessons/**'] } })
    const verify = step(wf, 'verify the lessons this pull request changes')
    expect(verify.env).toEqual({ BASE_REF: expr('github.event.pull_request.base.sha') })
    expect(verify.run?.trim()).toBe(
      'npx lessonproof verify --changed "$BASE_REF" --allow-blocked --reporter github --reporter junit=lessonproof-junit.xml --json lessonproof-report.json',
    )
    expect(steps(wf).find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({ 'fetch-depth': 0 })
    const upload = steps(wf).find((s) => s.uses?.startsWith('actions/upload-artifact'))
    expect(upload?.if).toBe('always()')
    expect(String(upload?.with?.path).split('\n').filter(Boolean)).toEqual([
      'lessonproof-report.json',
      'lessonproof-junit.xml',
    ])
  })
})

describe('examples/lessons-sharded.yml', () => {
  const wf = read('.github/examples/lessons-sharded.yml')
  it('gives each job of the matrix its shard through env, and merges the reports', () => {
    expect(wf.jobs.verify?.strategy?.matrix.shard).toEqual([1, 2, 3, 4])
    const verify = steps(wf).find((s) => s.run?.includes('--shard'))
    expect(verify?.env).toEqual({ SHARD: expr('matrix.shard'), SHARDS: 4 })
    expect(verify?.run).toContain(`--shard "\${SHARD}/\${SHARDS}"`)
    expect(wf.jobs.merge?.needs).toBe('verify')
    expect(steps(wf).some((s) => s.run?.startsWith('npx lessonproof report merge shards/*.json'))).toBe(true)
  })
})

describe('drift.yml', () => {
  const wf = read('.github/workflows/drift.yml')

  it('runs weekly and by hand, with read access to the code and write access to issues only', () => {
    expect(Object.keys(wf.on)).toEqual(['schedule', 'workflow_dispatch'])
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* [0-6]$/) }])
    expect(wf.permissions).toEqual({ contents: 'read', issues: 'write' })
    expect(step(wf, 'drift').run).toContain(
      'npx lessonproof drift lessons/ --baseline lessonproof-baseline.json --report drift-report',
    )
    const upload = steps(wf).find((s) => s.uses?.startsWith('actions/upload-artifact'))
    expect(upload).toMatchObject({ if: 'always()', with: { name: 'drift-report', path: 'drift-report/' } })
    expect(step(wf, 'open or update the drift issue').if).toBe("steps.drift.outputs.status == '1'")
    expect(step(wf, 'fail when a claim no longer holds').if).toBe("steps.drift.outputs.status == '1'")
  })

  /** A job's workspace with a fake npx (lessonproof drift exits with `status`) and a fake gh. */
  function workspace(status: number, openIssue?: number) {
    const dir = mkdtempSync(join(temp, 'job-'))
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    writeFileSync(
      join(bin, 'npx'),
      `#!/bin/bash
echo "npx $*" >>"${dir}/calls"
mkdir -p drift-report
printf '## Drift\\n\\n| image | then | now |\\n|---|---|---|\\n| python:3.12-slim | 150MB | 170MB |\\n' >drift-report/report.md
exit ${status}
`,
      { mode: 0o755 },
    )
    writeFileSync(
      join(bin, 'gh'),
      `#!/bin/bash
echo "gh $* GH_REPO=$GH_REPO GH_TOKEN=$GH_TOKEN" >>"${dir}/calls"
if [[ "$1 $2" == "issue list" ]]; then echo "${openIssue ?? ''}"; fi
`,
      { mode: 0o755 },
    )
    writeFileSync(join(dir, 'output'), '')
    writeFileSync(join(dir, 'summary'), '')
    /** Values of the expressions the steps' env may use. */
    const expressions: Record<string, string> = {
      'github.token': 'ghs_fake',
      'github.repository': 'course/lessons',
      'github.server_url': 'https://github.example',
      'github.run_id': '42',
    }
    const runStep = (name: string) => {
      const s = step(wf, name)
      const env: Record<string, string> = {}
      for (const [k, v] of Object.entries(s.env ?? {})) {
        env[k] = String(v).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
          const value = expressions[e]
          if (value === undefined) throw new Error(`${name}: no value for ${expr(e)}`)
          return value
        })
      }
      writeFileSync(join(dir, 'step.sh'), s.run ?? '')
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', join(dir, 'step.sh')], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          PATH: `${bin}${delimiter}${process.env.PATH}`,
          GITHUB_OUTPUT: join(dir, 'output'),
          GITHUB_STEP_SUMMARY: join(dir, 'summary'),
          ...env,
        },
      })
      return { status: r.status, stdout: r.stdout, stderr: r.stderr }
    }
    const calls = () => (existsSync(join(dir, 'calls')) ? readFileSync(join(dir, 'calls'), 'utf8') : '')
    return { dir, runStep, calls, output: () => readFileSync(join(dir, 'output'), 'utf8') }
  }

  it.each([
    [0, 0, 'Nothing moved.'],
    [3, 0, 'Base images moved; every claim still holds.'],
    [1, 0, '::warning title=drift::a claim no longer holds'],
    [2, 2, '::error title=drift::lessonproof drift failed (exit 2)'],
  ])('lessonproof drift exits %i: the step exits %i and says so', (status, stepStatus, says) => {
    const job = workspace(status)
    const r = job.runStep('drift')
    expect(r.status, r.stderr).toBe(stepStatus)
    expect(r.stdout).toContain(says)
    expect(job.output()).toBe(`status=${status}\n`)
  })

  it('appends the Markdown report to the job summary', () => {
    const job = workspace(3)
    job.runStep('drift')
    expect(job.runStep('job summary').status).toBe(0)
    expect(readFileSync(join(job.dir, 'summary'), 'utf8')).toContain('| python:3.12-slim | 150MB | 170MB |')
  })

  it('opens one issue labelled drift when none is open', () => {
    const job = workspace(1)
    job.runStep('drift')
    const r = job.runStep('open or update the drift issue')
    expect(r.status, r.stderr).toBe(0)
    const gh = job
      .calls()
      .split('\n')
      .filter((l) => l.startsWith('gh '))
    expect(gh.map((l) => l.replace(/ GH_REPO=.*/, ''))).toEqual([
      expect.stringMatching(/^gh label create drift .*--force$/),
      'gh issue list --label drift --state open --limit 1 --json number --jq .[0].number // empty',
      'gh issue create --title Lessons drifted: a claim no longer holds --label drift --body-file drift-issue.md',
    ])
    expect(gh.every((l) => l.endsWith('GH_REPO=course/lessons GH_TOKEN=ghs_fake'))).toBe(true)
    const body = readFileSync(join(job.dir, 'drift-issue.md'), 'utf8')
    expect(body).toContain('| python:3.12-slim | 150MB | 170MB |')
    expect(body).toContain('https://github.example/course/lessons/actions/runs/42')
  })

  it('updates the open drift issue instead of opening another', () => {
    const job = workspace(1, 7)
    job.runStep('drift')
    expect(job.runStep('open or update the drift issue').status).toBe(0)
    const gh = job
      .calls()
      .split('\n')
      .filter((l) => l.startsWith('gh issue '))
    expect(gh.map((l) => l.replace(/ GH_REPO=.*/, ''))).toEqual([
      'gh issue list --label drift --state open --limit 1 --json number --jq .[0].number // empty',
      'gh issue edit 7 --body-file drift-issue.md',
      'gh issue comment 7 --body Still drifting: https://github.example/course/lessons/actions/runs/42',
    ])
  })

  it('keeps the issue body under the size GitHub accepts', () => {
    const job = workspace(1)
    job.runStep('drift')
    writeFileSync(join(job.dir, 'drift-report/report.md'), 'x'.repeat(200_000))
    expect(job.runStep('open or update the drift issue').status).toBe(0)
    expect(readFileSync(join(job.dir, 'drift-issue.md'), 'utf8').length).toBeLessThanOrEqual(65_536)
  })

  it('fails the run when a claim no longer holds', () => {
    expect(workspace(1).runStep('fail when a claim no longer holds').status).toBe(1)
  })
})
