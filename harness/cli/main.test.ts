import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Report } from '../model/report.js'
import { FRONTMATTER, NAIVE, SLIM } from '../testing.js'
import { main } from './main.js'

/** A small lesson: two iterations and a comparison table whose reduction column says `reduction`. */
function lesson(reduction: string): string {
  return (
    FRONTMATTER +
    [
      NAIVE,
      SLIM,
      '## Results\n',
      '| Version | Size | Reduction |',
      '|---|---|---|',
      '| Naive | 1.21GB | --- |',
      `| Slim | 458MB | ${reduction} |`,
      '',
    ].join('\n')
  )
}

/** 1.21GB → 458MB is a 62.15% reduction. */
const CONSISTENT = lesson('62%')
const WRONG = lesson('50%')
const SLIM_ROW = CONSISTENT.split('\n').indexOf('| Slim | 458MB | 62% |') + 1
const WRONG_CLAIM = `lessons/wrong.md:${SLIM_ROW} naive → slim reduction is 50% (comparison table)`
/** The failing claim's stable id: what the ledger names it by. */
const WRONG_ID = 'reduction naive → slim «| Slim | 458MB | 50% |»'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-cli-'))
})

afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(path: string, text: string): Promise<void> {
  const full = join(dir, path)
  await mkdir(dirname(full), { recursive: true })
  await writeFile(full, text)
}

/** good.md's summary line in the text report: some claims pass, none fails. */
const GOOD_HOLDS = /^lessons\/good\.md {2}\([1-9]\d* pass, 0 fail, \d+ blocked\)$/m

/** Runs the CLI in the temp dir, capturing what it prints. */
async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

function ledger(...entries: { file: string; claim: string; reason: string }[]): string {
  return entries
    .map(
      (e) =>
        `- file: ${e.file}\n  claim: ${JSON.stringify(e.claim)}\n  reason: ${JSON.stringify(e.reason)}\n`,
    )
    .join('')
}

describe('exit status', () => {
  it('exits 4 when claims could not be verified for another reason than a static run, 0 with --allow-blocked', async () => {
    // Nothing in the lesson times uv or pip: the speed-up cannot be held to anything.
    await write('lessons/good.md', `${CONSISTENT}\nuv installs packages 10x faster than pip.\n`)
    const blocked = await run('verify', '--static')
    expect(blocked.code).toBe(4)
    expect(blocked.out).toContain('1 claim could not be verified in this run (blocked)')
    expect((await run('verify', '--static', '--allow-blocked')).code).toBe(0)
  })

  it('exits 2 when no lesson is found, or a path is no lesson', async () => {
    await mkdir(join(dir, 'empty'))
    const none = await run('verify', 'empty', '--static')
    expect(none.code).toBe(2)
    expect(none.err).toContain('no lesson document under empty')
    await write('notes.json', '{}')
    const json = await run('verify', 'notes.json', '--static')
    expect(json.code).toBe(2)
    expect(json.err).toContain('not a lesson document')
  })
})

describe('lessonproof verify --static', () => {
  it('exits 0 when every claim holds', async () => {
    await write('lessons/good.md', CONSISTENT)
    const { code, out, err } = await run('verify', '--static')
    expect(code).toBe(0)
    expect(err).toBe('')
    expect(out).toMatch(GOOD_HOLDS)
    expect(out).toMatch(
      /^lessonproof static: [1-9]\d* passed, 0 failed, 0 ledgered, \d+ blocked, 0 unreadable/m,
    )
  })

  it('exits 1 when a claim fails, naming it and why', async () => {
    await write('lessons/wrong.md', WRONG)
    const { code, out } = await run('verify', 'lessons', '--static')
    expect(code).toBe(1)
    expect(out).toContain(`✗ ${WRONG_CLAIM}`)
    expect(out).toContain(`1.21GB → 458MB (lines ${SLIM_ROW - 1} and ${SLIM_ROW}) is 62.15%, not 50%`)
  })

  it('exits 0 when the failing claim is in the ledger given with --ledger', async () => {
    await write('lessons/wrong.md', WRONG)
    await write(
      'reviewed.yaml',
      ledger({ file: 'lessons/wrong.md', claim: WRONG_ID, reason: 'the table rounds wrongly' }),
    )
    const { code, out } = await run('verify', '--static', '--ledger', 'reviewed.yaml', '--verbose')
    expect(code).toBe(0)
    expect(out).toContain(`! ${WRONG_CLAIM}\n      ledgered: the table rounds wrongly`)
    expect(out).toContain('0 failed, 1 ledgered')
  })

  it('exits 1 when a ledger entry is stale: its claim does not fail', async () => {
    await write('lessons/good.md', CONSISTENT)
    const fixed = 'reduction naive → slim «| Slim | 458MB | 62% |»'
    await write(
      'reviewed.yaml',
      ledger({ file: 'lessons/good.md', claim: fixed, reason: 'was 50% before the fix' }),
    )
    const { code, out } = await run('verify', '--static', '--ledger', 'reviewed.yaml')
    expect(code).toBe(1)
    expect(out).toContain(`stale ledger entry: lessons/good.md ${fixed}`)
    expect(out).toMatch(/ 0 failed, 0 ledgered, \d+ blocked, 0 unreadable, 1 stale ledger entries$/)
  })
})

describe('usage errors exit 2', () => {
  it.each([
    [['frobnicate', '--static'], "lessonproof: unknown command 'frobnicate'"],
    [[], 'lessonproof: no command given'],
    [['verify', '--static', '--nope'], "Unknown option '--nope'"],
    [
      ['verify', '--static', '--size-tolerance-pct', 'lots'],
      "--size-tolerance-pct must be a number, got 'lots'",
    ],
    [['verify', 'no-such-dir', '--static'], 'no-such-dir: no such file or directory'],
  ])('%j', async (argv, message) => {
    await write('lessons/good.md', CONSISTENT)
    const { code, out, err } = await run(...argv)
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toContain(message)
    expect(err).toContain('usage: lessonproof verify [paths…] [options]')
  })

  it('exits 2 when the ledger named with --ledger cannot be read', async () => {
    await write('lessons/good.md', CONSISTENT)
    const { code, err } = await run('verify', '--static', '--ledger', 'missing.yaml')
    expect(code).toBe(2)
    expect(err).toBe(`lessonproof: ${join(dir, 'missing.yaml')}: cannot read the ledger (ENOENT)`)
  })

  // Without --static the run builds images (engine mode, tested in specs/): a bad engine option
  // must be refused before any engine is contacted.
  it('refuses a malformed engine option without --static, before touching an engine', async () => {
    await write('lessons/good.md', CONSISTENT)
    const { code, out, err } = await run('verify', 'lessons', '--image-map', 'python:3.12')
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toContain("lessonproof: --image-map takes FROM=TO, got 'python:3.12'")
    expect(err).not.toContain('building with')
    expect(err).toContain('usage: lessonproof verify')
  })
})

describe('a lesson that is not text', () => {
  // A NUL byte makes a file binary: the one kind of document that cannot be read at all.
  const BROKEN = `${CONSISTENT}\nA screenshot pasted as bytes:\n\n\u0000PNG\n`
  const FENCE_LINE = BROKEN.split('\n').indexOf('\u0000PNG') + 1

  it('exits 2, reports it at its line, and still verifies the other lessons', async () => {
    await write('lessons/broken.md', BROKEN)
    await write('lessons/good.md', CONSISTENT)
    const { code, out, err } = await run('verify', 'lessons', '--static', '--json', 'out/report.json')

    expect(code).toBe(2)
    expect(err).toContain(`lessons/broken.md:${FENCE_LINE}: file is binary (it contains a NUL byte)`)
    expect(out).toContain('lessons/broken.md  (unreadable)')
    expect(out).toMatch(GOOD_HOLDS)

    const report = Report.parse(JSON.parse(await readFile(join(dir, 'out/report.json'), 'utf8')))
    expect(report.exitCode).toBe(2)
    expect(report.totals).toMatchObject({ errors: 1, fail: 0 })
    const [broken, good] = report.documents
    expect(report.documents).toHaveLength(2)
    expect(broken).toMatchObject({ path: 'lessons/broken.md', error: { line: FENCE_LINE }, claims: [] })
    expect(good?.path).toBe('lessons/good.md')
    expect(good?.error).toBeUndefined()
    expect(good?.claims.find((c) => c.kind === 'reduction')).toMatchObject({
      line: SLIM_ROW,
      verdict: 'pass',
    })
  })
})

describe('a directory run', () => {
  it('says which files it skipped, in the text and the JSON report', async () => {
    await write('lessons/good.md', CONSISTENT)
    await write('lessons/diagram.png', 'not a document')
    const { code, out } = await run('verify', 'lessons', '--static', '--json', 'report.json')
    expect(code).toBe(0)
    expect(out).toContain(
      'skipped 1 file a directory search found:\n  lessons/diagram.png (not a document type (.png))',
    )
    const report = Report.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')))
    expect(report.warnings).toEqual([
      { code: 'skipped', path: 'lessons/diagram.png', message: 'not read: not a document type (.png)' },
    ])
  })
})

describe('--json', () => {
  it('writes a report that the Report schema accepts, with every lesson and claim', async () => {
    await write('lessons/good.md', CONSISTENT)
    await write('lessons/wrong.md', WRONG)
    const { code } = await run('verify', '--static', '--json', 'report.json')
    expect(code).toBe(1)

    const report = Report.parse(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')))
    expect(report).toMatchObject({ tool: 'lessonproof', mode: 'static', exitCode: 1, staleLedger: [] })
    // Each document's two build commands are also steps, blocked: a static run walks nothing.
    expect(report.totals).toEqual({ pass: 11, fail: 1, ledgered: 0, blocked: 8, unverified: 0, errors: 0 })
    expect(report.documents.map((l) => l.path)).toEqual(['lessons/good.md', 'lessons/wrong.md'])

    const wrong = report.documents[1]
    const lines = WRONG.split('\n')
    const at = (text: string, from = 0) => lines.indexOf(text, from) + 1
    expect(wrong?.claims.map((c) => [c.kind, c.line, c.verdict])).toEqual([
      ['dockerfile', at('```dockerfile'), 'pass'],
      ['image-tag', at('FROM python:3.12'), 'pass'],
      ['build-command', at('docker build -t app:naive -f Dockerfile.naive .'), 'pass'],
      ['step', at('docker build -t app:naive -f Dockerfile.naive .'), 'blocked'],
      ['dockerfile', at('```dockerfile', at('```dockerfile')), 'pass'],
      ['build-command', at('docker build -t app:slim -f Dockerfile.slim .'), 'pass'],
      ['step', at('docker build -t app:slim -f Dockerfile.slim .'), 'blocked'],
      ['image-size', SLIM_ROW - 1, 'blocked'],
      ['image-size', SLIM_ROW, 'blocked'],
      ['reduction', SLIM_ROW, 'fail'],
    ])
    for (const claim of wrong?.claims ?? []) {
      expect(claim.text).toBe(lines[claim.line - 1]?.trim())
      expect(claim.reason).not.toBe('')
    }
    expect(wrong?.claims.at(-1)).toMatchObject({
      name: WRONG_CLAIM,
      text: '| Slim | 458MB | 50% |',
      expected: '50%',
      measured: '62.15%',
      reason: `1.21GB → 458MB (lines ${SLIM_ROW - 1} and ${SLIM_ROW}) is 62.15%, not 50%`,
    })
  })
})

describe('lessonproof --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version', async (flag) => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    const { code, out } = await run(flag)
    expect(code).toBe(0)
    expect(out).toBe(pkg.version)
  })
})

describe('--reporter', () => {
  it('writes every report asked for, and text only when asked once others are', async () => {
    await write('lessons/wrong.md', WRONG)
    const { code, out } = await run(
      'verify',
      '--static',
      '--reporter',
      'junit=out/r.xml',
      '--reporter',
      'github=out/summary.md',
      '--json',
      'out/r.json',
    )
    expect(code).toBe(1)
    expect(out).not.toContain('lessonproof static:')
    expect(out.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^::error file=lessons/wrong.md,line=${SLIM_ROW},title=lessonproof%3A `),
      ),
    ])
    expect(await readFile(join(dir, 'out/r.xml'), 'utf8')).toContain(`line="${SLIM_ROW}"`)
    expect(await readFile(join(dir, 'out/summary.md'), 'utf8')).toContain(
      `| <code>lessons/wrong.md:${SLIM_ROW}</code> |`,
    )
    expect(Report.parse(JSON.parse(await readFile(join(dir, 'out/r.json'), 'utf8'))).exitCode).toBe(1)
  })

  it('appends the job summary to $GITHUB_STEP_SUMMARY, linking lines to the commit', async () => {
    await write('lessons/wrong.md', WRONG)
    await write('step-summary.md', '')
    const out: string[] = []
    const env = {
      GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'course/lessons',
      GITHUB_SHA: 'abc123',
    }
    const code = await main(['verify', '--static', '--reporter', 'github'], {
      out: (t) => out.push(t),
      err: () => undefined,
      cwd: dir,
      env,
    })
    expect(code).toBe(1)
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain(
      `[lessons/wrong.md:${SLIM_ROW}](https://github.example/course/lessons/blob/abc123/lessons/wrong.md#L${SLIM_ROW})`,
    )
  })

  // Without --static the run would open an engine: a bad target must stop it before that.
  it.each([
    [
      ['--reporter', 'junit=plain/r.xml'],
      /cannot write the junit report to .*plain\/r\.xml: .*plain is not a directory/,
    ],
    [
      ['--json', 'lessons/good.md'],
      /refusing to write the json report over the lesson document .*lessons\/good\.md/,
    ],
    [['--reporter', 'text=lessonproof-ledger.yaml'], /refusing to write the text report over the ledger/],
  ])('%j is a usage error before anything is verified', async (argv, message) => {
    await write('lessons/good.md', CONSISTENT)
    await write('plain', '')
    const { code, out, err } = await run('verify', 'lessons', ...argv)
    expect(code).toBe(2)
    expect(out).toBe('')
    expect(err).toMatch(message)
    expect(err).not.toMatch(/building with|no Docker engine answers/)
    expect(await readFile(join(dir, 'lessons/good.md'), 'utf8')).toBe(CONSISTENT)
  })
})

describe('lessonproof report merge', () => {
  it('merges JSON reports and exits as the merged run would', async () => {
    await write('lessons/good.md', CONSISTENT)
    await write('lessons/wrong.md', WRONG)
    await run('verify', '--static', 'lessons/good.md', '--json', 'good.json')
    await run('verify', '--static', 'lessons/wrong.md', '--json', 'wrong.json')
    await run('verify', '--static', '--json', 'all.json')
    const { code, out } = await run('report', 'merge', 'wrong.json', 'good.json', '--json', 'merged.json')
    expect(code).toBe(1)
    expect(out).toContain(`✗ ${WRONG_CLAIM}`)
    const read = async (f: string) => Report.parse(JSON.parse(await readFile(join(dir, f), 'utf8')))
    expect(await read('merged.json')).toEqual(await read('all.json'))
  })

  it.each([
    [['report', 'merge'], 'report merge needs at least one JSON report'],
    [['report', 'merge', 'missing.json'], 'missing.json: cannot read a JSON report (ENOENT)'],
    [['report', 'merge', 'lessons/good.md'], 'lessons/good.md: cannot read a JSON report'],
    [['report', 'merge', 'other.json'], 'other.json: not a lessonproof report: tool'],
    [['report', 'squash'], "unknown report command 'squash'"],
  ])('%j is a usage error', async (argv, message) => {
    await write('lessons/good.md', CONSISTENT)
    await write('other.json', '{"tool":"eslint"}')
    const { code, err } = await run(...argv)
    expect(code).toBe(2)
    expect(err).toContain(message)
  })
})
