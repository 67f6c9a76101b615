/**
 * GitHub Actions: workflow commands that put a failing claim on its lesson line in a pull request,
 * and a Markdown table of the run for the job summary.
 */
import { appendFile } from 'node:fs/promises'
import type { Report, ReportClaim } from '../model/report.js'

/** Escapes a workflow command's message, as the runner unescapes it. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow command's property value: also `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(
  level: 'error' | 'warning',
  file: string,
  line: number,
  title: string,
  message: string,
): string {
  const props = [`file=${escapeProperty(file)}`, `line=${line}`, `title=${escapeProperty(title)}`]
  return `::${level} ${props.join(',')}::${escapeData(message)}`
}

export interface AnnotationOptions {
  /** Also annotate blocked claims, as warnings. @default false */
  blocked?: boolean
}

const isLedgered = (c: ReportClaim) => c.verdict === 'fail' && c.ledger !== undefined

/**
 * One `::error` per failing claim, unreadable document and stale ledger entry (and a `::warning`
 * per blocked claim when asked), each at the lesson line it speaks of. Ledgered claims are not
 * annotated: their failure is known and reviewed.
 */
export function annotations(report: Report, options: AnnotationOptions = {}): string[] {
  const lines: string[] = []
  for (const doc of report.documents) {
    if (doc.error)
      lines.push(
        command('error', doc.path, doc.error.line, 'lessonproof: unreadable document', doc.error.message),
      )
    for (const c of doc.claims) {
      if (c.verdict === 'fail' && !isLedgered(c))
        lines.push(command('error', doc.path, c.line, `lessonproof: ${c.title}`, c.reason))
      else if (c.verdict === 'blocked' && options.blocked)
        lines.push(command('warning', doc.path, c.line, `lessonproof blocked: ${c.title}`, c.reason))
    }
  }
  for (const entry of report.staleLedger) {
    const message = `stale ledger entry "${entry.claim}": no failing claim has this id any more (ledger reason: ${entry.reason})`
    lines.push(command('error', entry.file, entry.line ?? 1, 'lessonproof: stale ledger entry', message))
  }
  return lines
}

export interface SummaryOptions {
  /**
   * Where a document's lines can be linked, e.g. `https://github.com/OWNER/REPO/blob/SHA`
   * (from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA); without it places are plain text.
   */
  blobUrl?: string
  /** At most this many failing claims are listed (a step summary holds at most 1 MiB). @default 200 */
  maxRows?: number
}

/**
 * Text for a table cell, shown as written: no raw HTML (`<none>` would vanish), no Markdown
 * (a reason quoting `RUN echo … >> f` must not become a code span that shows `&gt;`), no pipes,
 * no line breaks.
 */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]~|]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>')
}

function place(path: string, line: number, blobUrl: string | undefined): string {
  const label = `${path}:${line}`
  if (!blobUrl) return `<code>${cell(label)}</code>`
  const url = `${blobUrl.replace(/\/$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}#L${line}`
  return `[${cell(label)}](${url})`
}

/** The run as Markdown: totals, a row per document, then what failed, each at its file:line. */
export function summaryMarkdown(report: Report, options: SummaryOptions = {}): string {
  const t = report.totals
  const out = [
    `## lessonproof (${report.mode})`,
    '',
    `${report.exitCode === 0 ? '✅' : report.exitCode === 4 ? '⚠️' : '❌'} **${t.pass} passed, ${t.fail} failed, ${t.ledgered} ledgered, ${t.blocked} blocked, ${t.errors} unreadable, ${report.staleLedger.length} stale ledger entries**`,
    '',
  ]
  if (report.documents.length === 0) out.push('No lesson document was verified in this run.')
  else out.push('| document | pass | fail | ledgered | blocked |', '| --- | ---: | ---: | ---: | ---: |')
  const failing: string[] = []
  for (const doc of report.documents) {
    if (doc.error) {
      out.push(`| <code>${cell(doc.path)}</code> | unreadable | | | |`)
      failing.push(
        `| ${place(doc.path, doc.error.line, options.blobUrl)} | unreadable document | ${cell(doc.error.message)} |`,
      )
      continue
    }
    const n = { pass: 0, fail: 0, ledgered: 0, blocked: 0 }
    for (const c of doc.claims) {
      if (isLedgered(c)) n.ledgered++
      else n[c.verdict]++
      if (c.verdict === 'fail' && !isLedgered(c))
        failing.push(`| ${place(doc.path, c.line, options.blobUrl)} | ${cell(c.title)} | ${cell(c.reason)} |`)
    }
    out.push(`| <code>${cell(doc.path)}</code> | ${n.pass} | ${n.fail} | ${n.ledgered} | ${n.blocked} |`)
  }
  for (const entry of report.staleLedger) {
    failing.push(
      `| ${place(entry.file, entry.line ?? 1, options.blobUrl)} | stale ledger entry | ${cell(`no failing claim has the id "${entry.claim}" any more (ledger reason: ${entry.reason})`)} |`,
    )
  }
  if (failing.length > 0) {
    const max = options.maxRows ?? 200
    out.push(
      '',
      '### Failing',
      '',
      '| where | claim | reason |',
      '| --- | --- | --- |',
      ...failing.slice(0, max),
    )
    if (failing.length > max) out.push('', `…and ${failing.length - max} more: see the JSON or JUnit report.`)
  }
  return `${out.join('\n')}\n`
}

/** Appends the summary to the job summary file (`$GITHUB_STEP_SUMMARY`, passed in by the CLI). */
export async function appendSummary(path: string, markdown: string): Promise<void> {
  await appendFile(path, `${markdown}\n`)
}
