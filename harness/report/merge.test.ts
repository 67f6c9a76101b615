import { describe, expect, it } from 'vitest'
import type { Report } from '../model/report.js'
import { mergeReports, sortReport } from './merge.js'
import { sampleReport } from './testing.js'

/** The sample report split in two by document, as two shards would write it. */
function shards(): [Report, Report] {
  const whole = sampleReport()
  const [a, b] = whole.documents
  const part = (documents: Report['documents'], staleLedger: Report['staleLedger']): Report => ({
    ...whole,
    documents,
    staleLedger,
    totals: { pass: 0, fail: 0, ledgered: 0, blocked: 0, unverified: 0, errors: 0 },
    exitCode: 0,
  })
  return [part(b ? [b] : [], []), part(a ? [a] : [], whole.staleLedger)]
}

describe('mergeReports', () => {
  it('gives the whole run back from its shards, documents in path order, totals counted again', () => {
    expect(mergeReports(shards())).toEqual(sortReport(sampleReport()))
    expect(mergeReports(shards().reverse())).toEqual(mergeReports(shards()))
  })

  it.each([
    ['a document in two reports', (r: Report) => r, 'lessons/b.md is in more than one report'],
    [
      'another mode',
      (r: Report): Report => ({ ...r, mode: 'engine' }),
      'cannot merge a engine report with a static one',
    ],
    [
      'another version',
      (r: Report): Report => ({ ...r, version: '9.9.9' }),
      'cannot merge reports of lessonproof 9.9.9 and 0.1.0',
    ],
  ])('refuses %s', (_, change, message) => {
    const [first] = shards()
    expect(() => mergeReports([first, change(first)])).toThrow(message)
  })
})
