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
    const counts = { pass: 0, fail: 0, blocked: 0 }
    for (const c of doc.claims) counts[c.verdict]++
    out.push(
      `${doc.path}  (${doc.error ? 'unreadable' : `${counts.pass} pass, ${counts.fail} fail, ${counts.blocked} blocked`})`,
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
  if (report.documents.length === 0) out.push('no lesson document was verified in this run')
  else if (report.exitCode === 4)
    out.push(
      `${t.unverified} claim${t.unverified === 1 ? '' : 's'} could not be verified in this run (blocked): nothing failed, but this run does not show that ${t.unverified === 1 ? 'it holds' : 'they hold'}`,
    )
  return out.join('\n')
}
