import { UsageError } from '../errors.js'
import type { Report } from '../model/report.js'
import { exitStatusOf } from './json.js'

/** Code-unit order: the same on every machine, whatever its locale. */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

type Entry = Report['staleLedger'][number]

/** Stale entries by document, line, then claim id. */
const byEntry = (a: Entry, b: Entry) =>
  byCodeUnits(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || byCodeUnits(a.claim, b.claim)

/**
 * Merges the reports of shards of one run into the report of the whole run: documents and
 * stale ledger entries in path order, totals and exit status counted again from the claims.
 * The shards must be of the same mode and version, and no document may be in two of them.
 */
export function mergeReports(reports: Report[]): Report {
  const [first] = reports
  if (!first) throw new UsageError('no report to merge')
  const documents: Report['documents'] = []
  const seen = new Set<string>()
  for (const report of reports) {
    if (report.mode !== first.mode)
      throw new UsageError(`cannot merge a ${report.mode} report with a ${first.mode} one`)
    if (report.version !== first.version)
      throw new UsageError(`cannot merge reports of lessonproof ${report.version} and ${first.version}`)
    for (const doc of report.documents) {
      if (seen.has(doc.path)) throw new UsageError(`${doc.path} is in more than one report`)
      seen.add(doc.path)
      documents.push(doc)
    }
  }
  documents.sort((a, b) => byCodeUnits(a.path, b.path))
  const staleLedger = reports.flatMap((r) => r.staleLedger).sort(byEntry)
  const totals = { pass: 0, fail: 0, ledgered: 0, blocked: 0, unverified: 0, errors: 0 }
  for (const doc of documents) {
    if (doc.error) totals.errors++
    for (const c of doc.claims) {
      if (c.verdict === 'fail' && c.ledger !== undefined) totals.ledgered++
      else totals[c.verdict]++
      if (c.unverified) totals.unverified++
    }
  }
  const exitCode = exitStatusOf(totals, staleLedger.length)
  // A warning about a path (a skipped file, an orphan card) is said once, whichever shard saw it.
  const warnings = [
    ...new Map(reports.flatMap((r) => r.warnings ?? []).map((w) => [`${w.code} ${w.path}`, w])).values(),
  ].sort((a, b) => byCodeUnits(a.path, b.path) || byCodeUnits(a.code, b.code))
  return {
    tool: 'lessonproof',
    version: first.version,
    mode: first.mode,
    documents,
    staleLedger,
    totals,
    warnings,
    exitCode,
  }
}

/** A report with its documents and stale entries in the order `mergeReports` gives. */
export function sortReport(report: Report): Report {
  return {
    ...report,
    documents: [...report.documents].sort((a, b) => byCodeUnits(a.path, b.path)),
    staleLedger: [...report.staleLedger].sort(byEntry),
  }
}
