import { describe, expect, it } from 'vitest'
import type { Report, ReportClaim } from '../model/index.js'
import { formatText } from './text.js'

const claim = (n: number, verdict: ReportClaim['verdict'], ledger?: string): ReportClaim => ({
  id: `size app «${n}»`,
  kind: 'image-size',
  name: `lessons/x.md:${n} app is ${n}MB`,
  line: n,
  text: '',
  title: `app is ${n}MB`,
  subject: 'app',
  quote: `${n}`,
  verdict,
  reason: verdict === 'pass' ? '' : `reason ${n}`,
  ...(ledger ? { ledger } : {}),
})

const report: Report = {
  tool: 'lessonproof',
  version: '0.0.0',
  mode: 'engine',
  documents: [
    {
      path: 'lessons/x.md',
      claims: [
        claim(1, 'pass'),
        claim(2, 'fail'),
        claim(3, 'fail', 'known: fixed next term'),
        claim(4, 'blocked'),
      ],
    },
  ],
  staleLedger: [],
  warnings: [],
  totals: { pass: 1, fail: 1, ledgered: 1, blocked: 1, unverified: 1, errors: 0 },
  exitCode: 1,
}

describe('formatText', () => {
  it('counts a ledgered failure apart on the document line, as the totals do', () => {
    const text = formatText(report, false)
    expect(text).toContain('lessons/x.md  (1 pass, 1 fail, 1 ledgered, 1 blocked)')
    expect(text).toContain('1 passed, 1 failed, 1 ledgered, 1 blocked')
    // Only the unledgered failure is listed without --verbose.
    expect(text).toContain('✗ lessons/x.md:2 app is 2MB')
    expect(text).not.toContain('lessons/x.md:3 app is 3MB')
  })

  it('leaves ledgered out of the document line when there is none', () => {
    const plain = { ...report, documents: [{ path: 'lessons/x.md', claims: [claim(1, 'pass')] }] }
    expect(formatText(plain, false)).toContain('lessons/x.md  (1 pass, 0 fail, 0 blocked)')
  })
})
