import type { Report } from '../model/index.js'

const MARK = { pass: '✓', fail: '✗', blocked: '-' } as const

/** The report a person reads: failures and errors always, every claim with `verbose`. */
export function formatText(report: Report, verbose: boolean): string {
  const out: string[] = []
  for (const doc of report.documents) {
    const lines: string[] = []
    if (doc.error) lines.push(`  error ${doc.error.message.replace(/\n/g, '\n        ')}`)
    for (const c of doc.claims) {
      const ledgered = c.verdict === 'fail' && c.ledger !== undefined
      if (!verbose && (c.verdict !== 'fail' || ledgered)) continue
      lines.push(`  ${ledgered ? '!' : MARK[c.verdict]} ${c.name}`)
      if (c.verdict !== 'pass') lines.push(`      ${ledgered ? `ledgered: ${c.ledger}` : c.reason}`)
    }
    // A ledgered failure is counted apart, as in the totals: the document's line agrees with them.
    const counts = { pass: 0, fail: 0, blocked: 0, ledgered: 0 }
    for (const c of doc.claims)
      counts[c.verdict === 'fail' && c.ledger !== undefined ? 'ledgered' : c.verdict]++
    const ledgered = counts.ledgered > 0 ? `, ${counts.ledgered} ledgered` : ''
    out.push(
      `${doc.path}  (${doc.error ? 'unreadable' : `${counts.pass} pass, ${counts.fail} fail${ledgered}, ${counts.blocked} blocked`})`,
      ...lines,
    )
  }
  for (const entry of report.staleLedger) {
    out.push(
      `stale ledger entry: ${entry.file}${entry.line ? `:${entry.line}` : ''} ${entry.claim}\n  no failing claim has this id any more: the claim was fixed or reworded`,
    )
  }
  const t = report.totals
  out.push(
    '',
    `lessonproof ${report.mode}: ${t.pass} passed, ${t.fail} failed, ${t.ledgered} ledgered, ${t.blocked} blocked, ${t.errors} unreadable, ${report.staleLedger.length} stale ledger entries`,
  )
  return out.join('\n')
}
