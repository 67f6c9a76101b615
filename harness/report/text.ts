import type { Report } from '../model/index.js'

const MARK = { pass: '✓', fail: '✗', blocked: '-' } as const
/** Skipped files listed without --verbose. */
const SKIPPED_SHOWN = 10

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
    const tally = `${counts.pass} pass, ${counts.fail} fail${ledgered}, ${counts.blocked} blocked`
    // An unreadable document whose body was still read shows both.
    const state = doc.error
      ? doc.claims.length > 0
        ? `unreadable; its body read: ${tally}`
        : 'unreadable'
      : tally
    out.push(`${doc.path}  (${state})`, ...lines)
  }
  const orphans = report.warnings.filter((w) => w.code !== 'skipped')
  for (const w of orphans) out.push(`warning: ${w.path}: ${w.message}`)
  const skipped = report.warnings.filter((w) => w.code === 'skipped')
  if (skipped.length > 0) {
    const shown = verbose ? skipped : skipped.slice(0, SKIPPED_SHOWN)
    out.push(`skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} a directory search found:`)
    for (const w of shown) out.push(`  ${w.path} (${w.message.replace(/^not read: /, '')})`)
    if (shown.length < skipped.length)
      out.push(`  … and ${skipped.length - shown.length} more (--verbose lists every one)`)
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
  if (report.exitCode === 3)
    out.push('exit 3: a claim fails and a document is unreadable (each alone exits 1 and 2)')
  if (report.documents.length === 0) out.push('no lesson document was verified in this run')
  else if (report.exitCode === 4)
    out.push(
      `${t.unverified} claim${t.unverified === 1 ? '' : 's'} could not be verified in this run (blocked): nothing failed, but this run does not show that ${t.unverified === 1 ? 'it holds' : 'they hold'}`,
    )
  return out.join('\n')
}
