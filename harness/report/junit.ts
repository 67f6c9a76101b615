/**
 * The JUnit XML report CI systems read (Jenkins, GitLab, the GitHub test-report actions): one
 * testsuite per document, one testcase per claim, each at its file and line.
 *
 * Written with xmlbuilder2 rather than junit-report-builder: the latter sets no `line` on a
 * testcase and gives `<skipped/>` no reason, and a blocked claim without its reason is useless.
 */
import { create } from 'xmlbuilder2'
import type { Report, ReportClaim, ReportDocument } from '../model/report.js'

type XMLBuilder = ReturnType<typeof create>

/** An attribute holds one line: XML parsers turn a raw newline in it into a space anyway. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ')

interface Case {
  classname: string
  name: string
  file: string
  line: number
  /** The testcase's children, in the order junit-4.xsd requires: skipped, error, failure, system-out. */
  skipped?: string
  error?: { message: string; type: string; body: string }
  failure?: { message: string; type: string; body: string }
  out?: string
}

function details(c: ReportClaim): string {
  const lines = [`claim: ${c.text}`]
  if (c.expected !== undefined) lines.push(`expected: ${c.expected}`)
  if (c.measured !== undefined) lines.push(`measured: ${c.measured}`)
  return lines.join('\n')
}

function claimCase(doc: ReportDocument, c: ReportClaim): Case {
  const base = { classname: doc.path, name: c.name, file: doc.path, line: c.line }
  if (c.verdict === 'fail' && c.ledger !== undefined) {
    // A reviewed false claim is not a failure of the run: it passes, and says why it is known.
    return { ...base, out: `ledgered: ${c.ledger}\nthe claim fails: ${c.reason}\n${details(c)}` }
  }
  if (c.verdict === 'fail')
    return {
      ...base,
      failure: { message: oneLine(c.reason), type: c.kind, body: `${c.reason}\n${details(c)}` },
    }
  if (c.verdict === 'blocked') return { ...base, skipped: `blocked: ${c.reason}` }
  return base
}

function cases(report: Report): Map<string, Case[]> {
  const byDoc = new Map<string, Case[]>()
  for (const doc of report.documents) {
    const list: Case[] = []
    if (doc.error) {
      list.push({
        classname: doc.path,
        name: `${doc.path}:${doc.error.line} is a readable lesson`,
        file: doc.path,
        line: doc.error.line,
        error: {
          message: oneLine(doc.error.message.split('\n')[0] ?? ''),
          type: 'LessonError',
          body: doc.error.message,
        },
      })
    }
    for (const c of doc.claims) list.push(claimCase(doc, c))
    byDoc.set(doc.path, list)
  }
  for (const entry of report.staleLedger) {
    const message =
      'stale ledger entry: no failing claim has this id any more: the claim was fixed or reworded'
    const list = byDoc.get(entry.file) ?? []
    list.push({
      classname: entry.file,
      name: `ledger entry "${entry.claim}"`,
      file: entry.file,
      line: entry.line ?? 1,
      failure: { message, type: 'stale-ledger-entry', body: `${message}\nledger reason: ${entry.reason}` },
    })
    byDoc.set(entry.file, list)
  }
  return byDoc
}

function addCase(suite: XMLBuilder, c: Case): void {
  const tc = suite.ele('testcase', {
    classname: c.classname,
    name: c.name,
    file: c.file,
    line: String(c.line),
  })
  if (c.skipped !== undefined) tc.ele('skipped').txt(c.skipped)
  if (c.error) tc.ele('error', { message: c.error.message, type: c.error.type }).txt(c.error.body)
  if (c.failure) tc.ele('failure', { message: c.failure.message, type: c.failure.type }).txt(c.failure.body)
  if (c.out !== undefined) tc.ele('system-out').txt(c.out)
}

/** The run as JUnit XML: `<testsuites>` of one `<testsuite>` per document. */
export function junitReport(report: Report): string {
  const doc = create({ invalidCharReplacement: '\uFFFD' }).dec({ version: '1.0', encoding: 'UTF-8' })
  const byDoc = [...cases(report)]
  const count = (list: Case[], key: 'failure' | 'error' | 'skipped') =>
    list.filter((c) => c[key] !== undefined).length
  const all = byDoc.flatMap(([, list]) => list)
  const root = doc.ele('testsuites', {
    name: `lessonproof ${report.mode}`,
    tests: String(all.length),
    failures: String(count(all, 'failure')),
    errors: String(count(all, 'error')),
  })
  for (const [path, list] of byDoc) {
    const suite = root.ele('testsuite', {
      name: path,
      tests: String(list.length),
      failures: String(count(list, 'failure')),
      errors: String(count(list, 'error')),
      skipped: String(count(list, 'skipped')),
    })
    for (const c of list) addCase(suite, c)
  }
  return `${doc.end({ prettyPrint: true })}\n`
}
