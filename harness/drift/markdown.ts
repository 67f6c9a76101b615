/**
 * The drift report as Markdown, for an issue body and a job summary (GitHub-flavoured: tables,
 * `<details>`). Short on purpose: the headline, then what moved, then per lesson what changed.
 */
import { dockerSize } from '../model/units.js'
import {
  type ClaimChange,
  type DriftReport,
  formatChange,
  type ImageDrift,
  type IterationDrift,
  instruction,
  shortDigest,
} from './report.js'

export interface MarkdownOptions {
  /**
   * The patch is cut beyond this many characters (GitHub refuses issue bodies over 65,536);
   * the full patch is in the uploaded report.
   * @default 40000
   */
  maxPatchChars?: number
}

/** The report's headline: what a reader needs if they read nothing else. */
export function headline(report: DriftReport): string {
  const moved = report.images.filter((i) => i.status === 'moved').length
  const unresolved = report.images.filter((i) => i.status === 'unresolved').length
  const failing = report.lessons
    .flatMap((l) => l.claims)
    .filter((c) => c.before === 'pass' && c.after === 'fail')
  const parts: string[] = []
  if (failing.length > 0)
    parts.push(`${count(failing.length, 'claim')} no longer ${failing.length === 1 ? 'holds' : 'hold'}`)
  if (moved > 0) parts.push(`${count(moved, 'base image')} moved`)
  if (unresolved > 0) parts.push(`${count(unresolved, 'image')} could not be resolved`)
  if (parts.length === 0) return 'Nothing moved: every base image is where the baseline found it'
  if (failing.length === 0 && moved > 0 && unresolved === 0) parts.push('every claim still holds')
  return capitalise(parts.join(', '))
}

export function renderMarkdown(report: DriftReport, options: MarkdownOptions = {}): string {
  const out: string[] = []
  out.push(`## lessonproof drift: ${headline(report)}`, '')
  out.push(
    `Baseline ${code(report.baseline.file)}, measured ${day(report.baseline.date)}; checked ${day(report.date)}.`,
    '',
  )

  const moved = report.images.filter((i) => i.status === 'moved')
  if (moved.length > 0) {
    out.push('### Moved images', '', '| image | platform | digest | size |', '|---|---|---|---|')
    for (const image of moved) out.push(movedRow(image))
    out.push('')
  }
  const other = report.images.filter((i) => i.status === 'unresolved' || i.status === 'pinned')
  if (other.length > 0) {
    out.push('### Not checked', '')
    for (const image of other) out.push(`- ${notCheckedLine(image)}`)
    out.push('')
  }
  const unchanged = report.images.filter((i) => i.status === 'unchanged')
  if (unchanged.length > 0) {
    const list = unchanged.map((i) => `${code(i.reference)} (${code(shortDigest(i.digest))})`).join(', ')
    out.push(`Unchanged: ${list}.`, '')
  }

  for (const lesson of report.lessons) {
    if (lesson.iterations.length === 0 && lesson.claims.length === 0) continue
    out.push(`### ${code(lesson.path)}${lesson.title ? ` — ${escapeText(lesson.title)}` : ''}`, '')
    if (lesson.iterations.length > 0) {
      out.push(
        '| iteration | claimed | baseline | now | change | from the base | from its own layers |',
        '|---|--:|--:|--:|--:|--:|--:|',
      )
      for (const it of lesson.iterations) out.push(iterationRow(it))
      out.push('')
      const layers = lesson.iterations.flatMap((it) =>
        it.layers.filter((l) => l.change === 'added' || l.change === 'grown').map((l) => ({ it, l })),
      )
      if (layers.length > 0) {
        out.push('Layers added or grown:', '')
        for (const { it, l } of layers) {
          const sizes =
            l.change === 'added'
              ? `+${dockerSize(l.after ?? 0)}`
              : `${dockerSize(l.before ?? 0)} → ${dockerSize(l.after ?? 0)}`
          out.push(
            `- ${code(it.tag)} ${l.fromBase ? '(base)' : '(own)'} ${code(shorten(instruction(l.createdBy), 90))}: ${l.change}, ${sizes}`,
          )
        }
        out.push('')
      }
    }
    if (lesson.claims.length > 0) {
      out.push('Claims whose verdict changed:', '')
      for (const claim of lesson.claims) out.push(...claimLines(lesson.path, claim))
      out.push('')
    }
  }

  if (report.notes && report.notes.length > 0) {
    out.push('### Notes', '')
    for (const note of report.notes) out.push(`- ${escapeText(note)}`)
    out.push('')
  }

  if (report.patch) {
    const max = options.maxPatchChars ?? 40_000
    const cut = report.patch.length > max
    const patch = cut ? `${report.patch.slice(0, report.patch.lastIndexOf('\n', max) + 1)}` : report.patch
    const fence = fenceFor(patch)
    out.push(
      '### Suggested patch',
      '',
      'The numbers that would make the claims true again. lessonproof never edits a lesson: review it, then `git apply` it.',
      '',
      '<details><summary>patch</summary>',
      '',
      `${fence}diff`,
      patch.trimEnd(),
      fence,
      '',
      '</details>',
      '',
    )
    if (cut)
      out.push(`The patch is cut after ${max} characters here; the full patch is in the uploaded report.`, '')
  }
  return `${out.join('\n').trimEnd()}\n`
}

function movedRow(image: Extract<ImageDrift, { status: 'moved' }>): string {
  const { before, after } = image
  const sizes =
    before.size !== undefined && after.size !== undefined
      ? `${dockerSize(before.size)} → ${dockerSize(after.size)} (${formatChange(((after.size - before.size) / before.size) * 100)})`
      : '—'
  return `| ${code(image.reference)} | ${image.platform ?? '—'} | ${code(shortDigest(before.digest))} → ${code(shortDigest(after.digest))} | ${sizes} |`
}

function notCheckedLine(image: ImageDrift): string {
  if (image.status === 'unresolved')
    return `${code(image.reference)}: could not be resolved: ${escapeText(image.message)}`
  if (image.status === 'pinned') {
    const moved = image.tagDigest ? `; its tag now points at ${code(shortDigest(image.tagDigest))}` : ''
    return `${code(image.reference)}: pinned to ${code(shortDigest(image.digest))}${moved}`
  }
  return code(image.reference)
}

function iterationRow(it: IterationDrift): string {
  const signed = (bytes: number) =>
    bytes === 0 ? '0B' : `${bytes > 0 ? '+' : '−'}${dockerSize(Math.abs(bytes))}`
  return `| ${code(it.tag)} | ${it.claimed ? escapeText(it.claimed.text) : '—'} | ${dockerSize(it.before)} | ${dockerSize(it.after)} | ${formatChange(it.changePct)} | ${signed(it.drift.base)} | ${signed(it.drift.own)} |`
}

function claimLines(path: string, claim: ClaimChange): string[] {
  const after = claim.after === 'fail' ? '**fail**' : claim.after
  const facts = [
    claim.expected && `expected ${claim.expected}`,
    claim.measured && `measured ${claim.measured}`,
  ]
    .filter(Boolean)
    .join(', ')
  // The facts go on the first line: a line after the quote would continue the quote.
  return [
    `- ${code(`${path}:${claim.line}`)} ${claim.before} → ${after}: ${escapeText(claim.title)}${facts ? ` — ${escapeText(facts)}` : ''}`,
    `  > ${escapeText(claim.text)}`,
  ]
}

/** An inline code span that survives backticks in its text. */
function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length))
  const ticks = '`'.repeat(longest + 1)
  return longest > 0 ? `${ticks} ${flat} ${ticks}` : `${ticks}${flat}${ticks}`
}

/** Text in a list item or table cell: no line breaks, no table-breaking pipes, no stray HTML. */
function escapeText(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
}

function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length))
  return '`'.repeat(longest + 1)
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function day(iso: string): string {
  return iso.slice(0, 10)
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
