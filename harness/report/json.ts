import { MEASURED } from '../kinds/kit/index.js'
import { NOT_WALKED } from '../kinds/step.js'
import type { Report, ReportClaim, ReportWarning, Verdict } from '../model/index.js'
import type { VerifyResult } from './results.js'

/**
 * The run's exit status, in one place: 1 a claim fails or a ledger entry is stale, 2 a document
 * is unreadable, 3 both (an unreadable document never hides the other documents' failures); 4
 * nothing failed and every document was read, but claims could not be verified in this run.
 */
export function exitStatusOf(totals: Report['totals'], staleLedger: number): Report['exitCode'] {
  const failing = totals.fail > 0 || staleLedger > 0 ? 1 : 0
  const unreadable = totals.errors > 0 ? 2 : 0
  if (failing || unreadable) return (failing | unreadable) as Report['exitCode']
  return totals.unverified > 0 ? 4 : 0
}

/** What the run did not verify, or verified only in part, in words. */
export function warningsOf(result: VerifyResult): ReportWarning[] {
  const orphans = (result.orphans ?? []).map((o): ReportWarning => {
    const what = o.role.replace('-', ' ')
    return o.lessonExists
      ? {
          code: 'lesson-not-in-run',
          path: o.path,
          message: `${what} of ${o.lessonPath}, which is not in this run: it is checked against the lesson read for context, but the lesson's own claims are not verified`,
        }
      : {
          code: 'lesson-missing',
          path: o.path,
          message: `${what} of ${o.lessonPath}, which does not exist: its claims about the lesson's images cannot be checked`,
        }
  })
  const skipped = (result.skipped ?? []).map(
    (s): ReportWarning => ({ code: 'skipped', path: s.path, message: `not read: ${s.reason}` }),
  )
  return [...orphans, ...skipped]
}

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
  const exitCode = exitStatusOf(totals, result.staleLedger.length)
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
    warnings: warningsOf(result),
    exitCode,
  }
}

/**
 * Whether a blocked claim is one this run could not verify. A check the run was not asked to make
 * does not count: a measurement in a static run, a walk in a run that walks nothing (`verify`).
 */
export function unverified(verdict: Verdict, mode: 'static' | 'engine'): boolean {
  if (verdict.status !== 'blocked') return false
  return verdict.checks.some(
    (c) => c.status === 'blocked' && !(mode === 'static' && c.name === MEASURED) && c.reason !== NOT_WALKED,
  )
}

/** The process's exit status for a report: `--allow-blocked` accepts claims that could not be verified. */
export function exitCodeOf(
  report: Pick<Report, 'exitCode'>,
  options: { allowBlocked?: boolean } = {},
): number {
  return report.exitCode === 4 && options.allowBlocked ? 0 : report.exitCode
}
