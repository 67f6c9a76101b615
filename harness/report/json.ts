import { MEASURED } from '../kinds/kit/index.js'
import type { Report, ReportClaim, Verdict } from '../model/index.js'
import type { VerifyResult } from './results.js'

/** The JSON report of a run. */
export function toReport(result: VerifyResult, version: string): Report {
  const totals = { pass: 0, fail: 0, ledgered: 0, blocked: 0, unverified: 0, errors: 0 }
  const documents = result.documents.map((d) => {
    if (d.error) totals.errors++
    const claims = d.claims.map((c): ReportClaim => {
      if (c.verdict.status === 'fail' && c.ledger !== undefined) totals.ledgered++
      else totals[c.verdict.status]++
      const notVerified = unverified(c.verdict, result.mode)
      if (notVerified) totals.unverified++
      const out: ReportClaim = {
        id: c.claim.id,
        kind: c.claim.kind,
        name: c.name,
        line: c.claim.source.line,
        text: c.claim.text,
        title: c.claim.title,
        subject: c.claim.subject,
        quote: c.claim.quote,
        verdict: c.verdict.status,
        reason: c.verdict.reason,
      }
      if (c.claim.image !== undefined) out.image = c.claim.image
      if (c.verdict.expected !== undefined) out.expected = c.verdict.expected
      if (c.verdict.measured !== undefined) out.measured = c.verdict.measured
      if (c.ledger !== undefined) out.ledger = c.ledger
      if (notVerified) out.unverified = true
      return out
    })
    return {
      path: d.path,
      role: d.role,
      ...(d.error ? { error: { line: d.error.line, message: d.error.message } } : {}),
      claims,
    }
  })
  const exitCode =
    totals.errors > 0
      ? 2
      : totals.fail > 0 || result.staleLedger.length > 0
        ? 1
        : totals.unverified > 0
          ? 4
          : 0
  return {
    tool: 'lessonproof',
    version,
    mode: result.mode,
    documents,
    staleLedger: result.staleLedger.map((e) => ({
      file: e.file,
      claim: e.claim,
      ...(e.line === undefined ? {} : { line: e.line }),
      reason: e.reason,
    })),
    totals,
    exitCode,
  }
}

/**
 * Whether a blocked claim is one this run could not verify. In a static run, a claim blocked
 * only by the check a static run cannot make (a measurement) is not: the run did what it was asked.
 */
export function unverified(verdict: Verdict, mode: 'static' | 'engine'): boolean {
  if (verdict.status !== 'blocked') return false
  return mode === 'engine' || verdict.checks.some((c) => c.status === 'blocked' && c.name !== MEASURED)
}

/** The process's exit status for a report: `--allow-blocked` accepts claims that could not be verified. */
export function exitCodeOf(
  report: Pick<Report, 'exitCode'>,
  options: { allowBlocked?: boolean } = {},
): number {
  return report.exitCode === 4 && options.allowBlocked ? 0 : report.exitCode
}
