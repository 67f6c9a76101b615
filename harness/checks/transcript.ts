import type { Check, ClaimOf, Document } from '../model/index.js'
import type { CheckContext } from './context.js'

const norm = (s: string) => s.replace(/\s+/g, ' ').trim()

function words(s: string): string[] {
  return norm(s).split(' ')
}

/** The first differing stretch of two texts, word by word: "Part 6" → "Module 6". */
export function wordDiff(lesson: string, exported: string): string {
  const a = words(lesson)
  const b = words(exported)
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  return `the lesson's "${a.slice(start, endA).join(' ')}" reads "${b.slice(start, endB).join(' ')}" in the export`
}

function similarity(a: string, b: string): number {
  const wa = new Set(words(a.toLowerCase()))
  const wb = words(b.toLowerCase())
  const shared = wb.filter((w) => wa.has(w)).length
  return shared / Math.max(wa.size, wb.length)
}

function paragraphs(lesson: Document) {
  return lesson.prose.filter((p) => p.kind === 'paragraph')
}

export function transcriptChecks(claim: ClaimOf<'transcript'>, ctx: CheckContext): Check[] {
  const lesson = ctx.family.lesson
  const name = "agrees with the lesson's prose"
  if (!lesson || lesson === ctx.doc) {
    return [
      { name, status: 'blocked', reason: `the lesson ${claim.lesson} is not among the documents verified` },
    ]
  }
  const own = paragraphs(lesson)
  if (claim.scope === 'coverage') {
    const exported = ctx.doc.prose.map((p) => norm(p.text))
    const present = new Set(exported)
    // A paragraph the export changed is reported on its line; here only those it left out.
    const missing = own.filter(
      (p) => !present.has(norm(p.text)) && !exported.some((e) => similarity(p.text, e) >= 0.5),
    )
    if (missing.length === 0)
      return [{ name, status: 'pass', reason: `all ${own.length} paragraphs are in the export` }]
    const first = missing[0]
    return [
      {
        name,
        status: 'fail',
        reason: `${missing.length} of the lesson's ${own.length} paragraphs are not in the export, from line ${first?.line} ("${(first?.text ?? '').slice(0, 50)}…") on: ${missing.map((p) => p.line).join(', ')}`,
        expected: `${own.length} paragraphs`,
        measured: `${own.length - missing.length} present`,
      },
    ]
  }
  const text = norm(ctx.doc.lines[claim.source.line - 1] ?? '')
  const exact = own.find((p) => norm(p.text) === text)
  if (exact) return [{ name, status: 'pass', reason: `is line ${exact.line} of the lesson` }]
  const best = own.map((p) => ({ p, score: similarity(p.text, text) })).sort((a, b) => b.score - a.score)[0]
  if (!best || best.score < 0.5) {
    return [{ name, status: 'fail', reason: 'the lesson has no such paragraph', measured: text.slice(0, 80) }]
  }
  return [
    {
      name,
      status: 'fail',
      reason: `differs from line ${best.p.line} of the lesson: ${wordDiff(best.p.text, text)}`,
      expected: best.p.text,
      measured: text,
    },
  ]
}
