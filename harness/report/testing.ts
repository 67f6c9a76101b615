/** Builders for the reporters' unit tests. */
import type { Report } from '../model/report.js'

/**
 * A JSON report by hand, for the reporters' unit tests: one of each outcome (pass, fail,
 * ledgered, blocked), an unreadable document and a stale ledger entry, with text that needs
 * escaping in XML, workflow commands and Markdown. A real run's report is fed to them in specs/.
 */
export function sampleReport(): Report {
  const claim = (line: number, title: string, verdict: 'pass' | 'fail' | 'blocked', reason: string) => ({
    id: `reduction naive → slim «${title}»`,
    kind: 'reduction',
    name: `lessons/a.md:${line} ${title}`,
    line,
    text: `| Slim | 458MB | ${title} |`,
    title,
    subject: 'naive → slim',
    quote: title,
    verdict,
    reason,
  })
  return {
    tool: 'lessonproof',
    version: '0.1.0',
    mode: 'static',
    warnings: [],
    documents: [
      {
        path: 'lessons/a.md',
        role: 'lesson',
        claims: [
          claim(10, 'naive → slim is 62%', 'pass', 'holds'),
          {
            ...claim(12, 'naive → slim is 50%', 'fail', '1.21GB → 458MB is 62.15%, not 50%\n<none> | a: b'),
            expected: '50%',
            measured: '62.15%',
          },
          { ...claim(14, 'slim is 458MB', 'fail', 'is 400MB'), ledger: 'the table rounds wrongly, reviewed' },
          claim(
            16,
            'app:slim is 458MB',
            'blocked',
            'needs a build of app:slim; this run is static (--static)',
          ),
        ],
      },
      {
        path: 'lessons/b.md',
        role: 'lesson',
        error: {
          line: 7,
          message:
            'lessons/b.md:7: code fence ``` opened at line 7 never closes\n  expected: a closing fence',
        },
        claims: [],
      },
    ],
    staleLedger: [
      {
        file: 'lessons/a.md',
        claim: 'base-image-size python:3.12-alpine «~50MB»',
        line: 20,
        reason: 'was 40MB before the fix',
      },
    ],
    totals: { pass: 1, fail: 1, ledgered: 1, blocked: 1, unverified: 0, errors: 1 },
    // A failing claim and an unreadable document: both shown by the exit status.
    exitCode: 3,
  }
}
