import { describe, expect, it } from 'vitest'
import { junitSchemaErrors, junitTestcases as testcases } from '../testing.js'
import { junitReport } from './junit.js'
import { sampleReport } from './testing.js'

type Node = Record<string, unknown>

describe('junitReport', () => {
  const xml = junitReport(sampleReport())

  it('fits the JUnit schema Jenkins reads, but for the file and line it adds to each testcase', async () => {
    const { strict, extended } = await junitSchemaErrors(xml)
    expect(extended).toEqual([])
    expect(strict.length).toBeGreaterThan(0)
    for (const error of strict)
      expect(error).toMatch(/attribute '(file|line)': The attribute '\1' is not allowed/)
  })

  it('is a testcase per claim, per unreadable document and per stale ledger entry, each at its line', async () => {
    const cases = await testcases(xml)
    expect(cases.map((c) => [c['@classname'], c['@file'], c['@line'], c['@name']])).toEqual([
      ['lessons/a.md', 'lessons/a.md', '10', 'lessons/a.md:10 naive → slim is 62%'],
      ['lessons/a.md', 'lessons/a.md', '12', 'lessons/a.md:12 naive → slim is 50%'],
      ['lessons/a.md', 'lessons/a.md', '14', 'lessons/a.md:14 slim is 458MB'],
      ['lessons/a.md', 'lessons/a.md', '16', 'lessons/a.md:16 app:slim is 458MB'],
      ['lessons/a.md', 'lessons/a.md', '20', 'ledger entry "base-image-size python:3.12-alpine «~50MB»"'],
      ['lessons/b.md', 'lessons/b.md', '7', 'lessons/b.md:7 is a readable lesson'],
    ])
  })

  it('gives a failure the reason as its message, and keeps ledgered claims out of the failures', async () => {
    const [pass, fail, ledgered, blocked, stale, unreadable] = await testcases(xml)
    expect(Object.keys(pass ?? {}).filter((k) => !k.startsWith('@'))).toEqual([])
    expect(fail?.failure).toMatchObject({
      '@message': '1.21GB → 458MB is 62.15%, not 50% <none> | a: b',
      '@type': 'reduction',
    })
    expect(String((fail?.failure as Node | undefined)?.['#text'])).toContain(
      'expected: 50%\nmeasured: 62.15%',
    )
    expect(ledgered?.failure).toBeUndefined()
    expect(ledgered?.['system-out']).toMatch(
      /^ledgered: the table rounds wrongly, reviewed\nthe claim fails: is 400MB/,
    )
    expect(blocked?.skipped).toBe('blocked: needs a build of app:slim; this run is static (--static)')
    expect(stale?.failure).toMatchObject({ '@type': 'stale-ledger-entry' })
    expect(unreadable?.error).toMatchObject({
      '@message': 'lessons/b.md:7: code fence ``` opened at line 7 never closes',
      '@type': 'LessonError',
    })
  })

  it('counts per suite what CI systems total', () => {
    const suites = [...xml.matchAll(/<testsuite (.*?)>/g)].map((m) => m[1])
    expect(suites).toEqual([
      'name="lessons/a.md" tests="5" failures="2" errors="0" skipped="1"',
      'name="lessons/b.md" tests="1" failures="0" errors="1" skipped="0"',
    ])
    expect(xml).toContain('<testsuites name="lessonproof static" tests="6" failures="2" errors="1">')
  })

  it('replaces characters XML 1.0 cannot hold instead of writing a document no parser reads', async () => {
    const report = sampleReport()
    const claim = report.documents[0]?.claims[1]
    if (claim) claim.reason = 'bell \u0007 in a build log'
    const out = junitReport(report)
    expect(out).toContain('bell \uFFFD in a build log')
    expect((await junitSchemaErrors(out)).extended).toEqual([])
  })
})
