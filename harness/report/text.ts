import type { VerifyResult } from '../verify/index.js'

const MARK = { pass: '✓', fail: '✗', blocked: '-' } as const

/** The report a person reads: failures and errors always, every claim with `verbose`. */
export function formatText(result: VerifyResult, verbose: boolean): string {
  const out: string[] = []
  for (const doc of result.documents) {
    const lines: string[] = []
    if (doc.error) lines.push(`  error ${doc.error.message.replace(/\n/g, '\n        ')}`)
    for (const c of doc.claims) {
      const ledgered = c.verdict.status === 'fail' && c.ledger !== undefined
      if (!verbose && (c.verdict.status !== 'fail' || ledgered)) continue
      const mark = ledgered ? '!' : MARK[c.verdict.status]
      lines.push(`  ${mark} ${c.name}`)
      if (c.verdict.status !== 'pass')
        lines.push(`      ${ledgered ? `ledgered: ${c.ledger}` : c.verdict.reason}`)
    }
    const counts = { pass: 0, fail: 0, blocked: 0 }
    for (const c of doc.claims) counts[c.verdict.status]++
    out.push(
      `${doc.path}  (${doc.error ? 'unreadable' : `${counts.pass} pass, ${counts.fail} fail, ${counts.blocked} blocked`})`,
      ...lines,
    )
  }
  for (const entry of result.staleLedger) {
    out.push(
      `stale ledger entry: ${entry.claim}\n  no failing claim has this name any more: the claim was fixed, moved or reworded`,
    )
  }
  const t = result.report.totals
  out.push(
    '',
    `lessonproof ${result.report.mode}: ${t.pass} passed, ${t.fail} failed, ${t.ledgered} ledgered, ${t.blocked} blocked, ${t.errors} unreadable, ${result.staleLedger.length} stale ledger entries`,
  )
  return out.join('\n')
}
