/**
 * A static run of a small course with failing, ledgered and blocked claims, an unreadable
 * lesson and a stale ledger entry, fed to every reporter through the CLI: the JUnit XML against
 * the schema CI systems read, the workflow commands, and the job summary, each held to the JSON
 * report of the same run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../harness/model/report.js'
import { escapeData, escapeProperty } from '../harness/report/github.js'
import { junitSchemaErrors, junitTestcases } from '../harness/testing.js'
import { broken, brokenLine, type Course, course, courseLesson, slimRow } from './support/course.js'

const WRONG = courseLesson(1, '50%')
const KNOWN = courseLesson(0, '40%')
const GOOD = courseLesson(2, '62%')
const BROKEN = broken(0)

/** A ledger entry for the reduction claim of a document, by the id a run reports for it. */
function entry(report: Report, path: string, reason: string): string {
  const claim = report.documents.find((d) => d.path === path)?.claims.find((x) => x.kind === 'reduction')
  if (!claim) throw new Error(`${path} has no reduction claim`)
  return `- file: ${path}\n  claim: ${JSON.stringify(claim.id)}\n  line: ${claim.line}\n  reason: ${JSON.stringify(reason)}\n`
}

let c: Course
let report: Report
let run: Awaited<ReturnType<Course['run']>>
const ENV = {
  GITHUB_STEP_SUMMARY: '',
  GITHUB_SERVER_URL: 'https://github.example',
  GITHUB_REPOSITORY: 'course/lessons',
  GITHUB_SHA: 'abc123',
}

beforeAll(async () => {
  c = await course({
    'lessons/wrong.md': WRONG,
    'lessons/known.md': KNOWN,
    'lessons/good.md': GOOD,
    'lessons/broken.md': BROKEN,
    'summary.md': '# an earlier step\n',
  })
  // The ledger names claims by the ids a run reports: known.md's false reduction, and good.md's
  // true one (an entry that no failing claim matches, as when an author fixed the claim).
  await c.run(['verify', '--static', '--json', 'first.json'])
  const first = await c.report('first.json')
  await c.write(
    'lessonproof-ledger.yaml',
    entry(first, 'lessons/known.md', "the table's reduction was never measured") +
      entry(first, 'lessons/good.md', 'said 50% before the table was fixed'),
  )
  ENV.GITHUB_STEP_SUMMARY = `${c.dir}/summary.md`
  run = await c.run(
    [
      'verify',
      '--static',
      '--reporter',
      'json=out/report.json',
      '--reporter',
      'junit=out/report.xml',
      '--reporter',
      'github',
      '--annotate-blocked',
    ],
    ENV,
  )
  report = await c.report('out/report.json')
})

afterAll(async () => {
  await c.remove()
})

const claims = () => report.documents.flatMap((l) => l.claims.map((claim) => ({ path: l.path, ...claim })))
const failing = () => claims().filter((x) => x.verdict === 'fail' && x.ledger === undefined)

describe('the run fed to the reporters', () => {
  it('has every outcome a reporter must show', () => {
    expect(run.code).toBe(2)
    expect(report.totals).toMatchObject({ fail: 1, ledgered: 1, errors: 1 })
    expect(report.totals.pass).toBeGreaterThan(0)
    expect(report.totals.blocked).toBeGreaterThan(0)
    expect(report.staleLedger).toMatchObject([{ file: 'lessons/good.md', line: slimRow(GOOD) }])
  })
})

describe('junit', () => {
  it('fits the JUnit schema, with only the file and line attributes beyond it', async () => {
    const xml = await c.read('out/report.xml')
    const { strict, extended } = await junitSchemaErrors(xml)
    expect(extended).toEqual([])
    for (const error of strict)
      expect(error).toMatch(/attribute '(file|line)': The attribute '\1' is not allowed/)
  })

  it('has a testcase per claim at its file and line, and one per unreadable lesson and stale entry', async () => {
    const cases = await junitTestcases(await c.read('out/report.xml'))
    const byName = new Map(cases.map((tc) => [tc['@name'], tc]))
    expect(cases).toHaveLength(claims().length + 2)
    for (const claim of claims()) {
      const tc = byName.get(claim.name)
      expect(tc, claim.name).toMatchObject({
        '@classname': claim.path,
        '@file': claim.path,
        '@line': String(claim.line),
      })
      const ledgered = claim.verdict === 'fail' && claim.ledger !== undefined
      if (claim.verdict === 'fail' && !ledgered)
        expect(tc?.failure).toMatchObject({ '@message': claim.reason })
      else expect(tc?.failure).toBeUndefined()
      if (ledgered) expect(tc?.['system-out']).toContain(`ledgered: ${claim.ledger}`)
      if (claim.verdict === 'blocked') expect(tc?.skipped).toBe(`blocked: ${claim.reason}`)
      else expect(tc?.skipped).toBeUndefined()
    }
    const nul = brokenLine(BROKEN)
    expect(byName.get(`lessons/broken.md:${nul} is a readable lesson`)).toMatchObject({
      '@line': String(nul),
      error: { '@type': 'LessonError' },
    })
    const stale = report.staleLedger[0]
    expect(byName.get(`ledger entry "${stale?.claim}"`)).toMatchObject({
      '@file': 'lessons/good.md',
      '@line': String(slimRow(GOOD)),
      failure: { '@type': 'stale-ledger-entry' },
    })
  })
})

describe('github', () => {
  const lines = () => run.out.split('\n')

  it('prints an error at the line of each failing claim, none for a ledgered one', () => {
    const errors = lines().filter((l) => l.startsWith('::error '))
    const [wrong] = failing()
    expect(failing()).toHaveLength(1)
    expect(errors).toContain(
      `::error file=lessons/wrong.md,line=${wrong?.line},title=lessonproof%3A ${escapeProperty(wrong?.title ?? '')}::${escapeData(wrong?.reason ?? '')}`,
    )
    expect(wrong?.reason).toContain('%')
    expect(errors.some((l) => l.includes('known.md'))).toBe(false)
    expect(errors.filter((l) => l.includes('title=lessonproof%3A unreadable document'))).toHaveLength(1)
    expect(errors.filter((l) => l.includes('title=lessonproof%3A stale ledger entry'))).toHaveLength(1)
    expect(errors).toHaveLength(3)
  })

  it('warns of each blocked claim when asked, at its line', () => {
    const blocked = claims().filter((x) => x.verdict === 'blocked')
    const warnings = lines().filter((l) => l.startsWith('::warning '))
    expect(warnings.map((w) => /file=([^,]+),line=(\d+)/.exec(w)?.slice(1).join(':'))).toEqual(
      blocked.map((b) => `${b.path}:${b.line}`),
    )
  })

  it('appends a table of the run to the job summary, and the failures linked to their lines', async () => {
    const summary = await c.read('summary.md')
    expect(summary.startsWith('# an earlier step\n## lessonproof (static)\n')).toBe(true)
    for (const lesson of report.documents) {
      if (lesson.error) {
        expect(summary).toContain(`| <code>${lesson.path}</code> | unreadable | | | |`)
        continue
      }
      const n = (v: string, ledgered = false) =>
        lesson.claims.filter((x) => x.verdict === v && (x.ledger !== undefined) === ledgered).length
      expect(summary).toContain(
        `| <code>${lesson.path}</code> | ${n('pass')} | ${n('fail')} | ${n('fail', true)} | ${n('blocked')} |`,
      )
    }
    const [wrong] = failing()
    expect(summary).toContain(
      `| [lessons/wrong.md:${wrong?.line}](https://github.example/course/lessons/blob/abc123/lessons/wrong.md#L${wrong?.line}) | ${wrong?.title} |`,
    )
  })
})
